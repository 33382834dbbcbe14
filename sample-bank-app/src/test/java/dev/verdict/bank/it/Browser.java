package dev.verdict.bank.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium, with Debian's {@code chromium} and {@code chromium-driver} (or the
 * binaries named by {@code -Dchromium.binary=} and {@code -Dchromedriver.binary=}); a fresh profile directory
 * each time, removed by {@link #close()}. Without the binaries the test is skipped, except on CI (env CI set),
 * where .ci/run installs them and their absence is a failure.
 */
final class Browser implements AutoCloseable {

    private final ChromeDriverService service;
    private final WebDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, WebDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() {
        Optional<Path> chromium = find("chromium.binary", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Optional<Path> chromedriver = find("chromedriver.binary", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String missing = "headless Chromium needs chromium and chromedriver (apt-get install chromium chromium-driver)";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(missing);
            }
            Assumptions.abort(missing);
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("verdict-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1200", "--user-data-dir=" + profile);
        try {
            return new Browser(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** Waits (up to a minute) until {@code condition} gives a non-null, non-false value; a re-rendered element counts as not yet. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofMinutes(1), Duration.ofMillis(200))
                    .withMessage(what)
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not happen; the page shows:" + System.lineSeparator()
                    + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static Optional<Path> find(String property, String... candidates) {
        String configured = System.getProperty(property);
        List<String> paths = configured != null ? List.of(configured) : List.of(candidates);
        return paths.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // a file Chromium was still writing: the temp directory is cleaned by the system
        }
    }
}
