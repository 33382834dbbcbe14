package dev.verdict.bank.demo;

import dev.verdict.bank.BankMain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Where the demo's programs are: the {@code java} that runs this launcher, the coordinator-service boot jar, and
 * how to start the bank jar's roles (its boot jar, or this JVM's class path when run from an IDE).
 */
public final class Artifacts {

    /** System property naming the coordinator-service jar (set by failsafe for the integration tests). */
    public static final String COORDINATOR_JAR_PROPERTY = "verdict.coordinator.jar";
    /** System property naming the sample-bank-app boot jar. */
    public static final String BANK_JAR_PROPERTY = "bank.jar";

    private Artifacts() {
    }

    public static Path java() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    public static String version() {
        try (InputStream in = Artifacts.class.getResourceAsStream("build.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "");
            return version.isBlank() || version.contains("${") ? "0.1.0-SNAPSHOT" : version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The coordinator-service boot jar: explicit, the system property, the build tree, or the local Maven repository. */
    public static Path coordinatorJar(Path explicit) {
        if (explicit != null) {
            return requireFile(explicit, "coordinator jar");
        }
        String property = System.getProperty(COORDINATOR_JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return requireFile(Path.of(property), "coordinator jar (-D" + COORDINATOR_JAR_PROPERTY + ")");
        }
        String name = "coordinator-service-" + version() + ".jar";
        Set<Path> roots = new LinkedHashSet<>();
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null && roots.size() < 4; dir = dir.getParent()) {
            roots.add(dir);
        }
        bankJar().map(jar -> jar.toAbsolutePath().getParent()).map(Path::getParent).map(Path::getParent).ifPresent(roots::add);
        List<Path> tried = new ArrayList<>();
        for (Path root : roots) {
            Path candidate = root.resolve("coordinator-service").resolve("target").resolve(name);
            tried.add(candidate);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "verdict", "coordinator-service",
                version(), name);
        tried.add(m2);
        if (Files.isRegularFile(m2)) {
            return m2;
        }
        throw new IllegalStateException("cannot find " + name + " (looked at " + tried + "); build it with "
                + "'./mvnw -DskipTests install' or name it with -D" + COORDINATOR_JAR_PROPERTY + "=<path>");
    }

    /**
     * The JVM arguments that run {@link BankMain}: {@code -jar <bank jar>} when one is known (explicit, the
     * {@code bank.jar} property, or the boot jar this JVM runs from), else this JVM's class path.
     */
    public static List<String> bankLaunch(Path explicitJar) {
        Path jar = explicitJar != null ? explicitJar : bankJar().orElse(null);
        if (jar != null) {
            return List.of("-jar", requireFile(jar, "bank jar").toAbsolutePath().toString());
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.isBlank()) {
            throw new IllegalStateException("cannot tell how to start the bank app: set -D" + BANK_JAR_PROPERTY + "=<jar>");
        }
        List<String> absolute = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            absolute.add(Path.of(entry).toAbsolutePath().toString());
        }
        return List.of("-cp", String.join(File.pathSeparator, absolute), BankMain.class.getName());
    }

    private static Optional<Path> bankJar() {
        String property = System.getProperty(BANK_JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar") && isBootJar(Path.of(classPath))) {
            return Optional.of(Path.of(classPath));
        }
        return Optional.empty();
    }

    private static boolean isBootJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getEntry("BOOT-INF/classes/" + BankMain.class.getName().replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path requireFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(what + " " + path.toAbsolutePath() + " does not exist; build it with "
                    + "'./mvnw -DskipTests install'");
        }
        return path.toAbsolutePath();
    }
}
