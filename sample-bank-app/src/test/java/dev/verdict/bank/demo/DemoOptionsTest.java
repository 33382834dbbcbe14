package dev.verdict.bank.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsAreTheReadmeDemo() {
        DemoOptions options = DemoOptions.parse();
        assertThat(options.coordinators()).isEqualTo(3);
        assertThat(options.shards()).isEqualTo(2);
        assertThat(options.accounts()).isEqualTo(100);
        assertThat(options.initialBalance()).isEqualTo(10_000);
        assertThat(options.gatewayPort()).isEqualTo(8080);
        assertThat(options.duration()).isNull();
        assertThat(options.dataRoot()).isNull();
    }

    @Test
    void unattendedRunsAndTheirDurations() {
        DemoOptions options = DemoOptions.parse("--duration=90s", "--data-dir=target/demo", "--port=0", "--accounts=10");
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.dataRoot()).isEqualTo(Path.of("target/demo"));
        assertThat(options.gatewayPort()).isZero();
        assertThat(options.accounts()).isEqualTo(10);
        assertThat(DemoOptions.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DemoOptions.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DemoOptions.duration("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void mistakesAreReported() {
        assertThatThrownBy(() -> DemoOptions.parse("--durtion=5s")).hasMessageContaining("unknown option --durtion");
        assertThatThrownBy(() -> DemoOptions.parse("--duration=soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> DemoOptions.parse("demo")).hasMessageContaining("not an option");
    }
}
