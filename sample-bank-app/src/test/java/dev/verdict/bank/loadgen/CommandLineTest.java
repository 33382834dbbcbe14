package dev.verdict.bank.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void durationsTakeUnitsOrIso() {
        assertThat(CommandLine.parseDuration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(CommandLine.parseDuration("d", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(CommandLine.parseDuration("d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(CommandLine.parseDuration("d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(CommandLine.parseDuration("d", "3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(CommandLine.parseDuration("d", "PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> CommandLine.parseDuration("duration", "soon")).hasMessageContaining("--duration");
    }

    @Test
    void loadgenOptionsHaveDefaultsAndAcceptTheBankPropertyNames() {
        LoadGenOptions defaults = LoadGenOptions.parse();
        assertThat(defaults.gateway()).isEqualTo(URI.create("http://localhost:8080"));
        assertThat(defaults.clients()).isEqualTo(8);
        assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.overdraw()).isEqualTo(0.1);
        assertThat(defaults.crossShard()).isTrue();

        LoadGenOptions options = LoadGenOptions.parse("--gateway=http://gw:9000", "--clients=32", "--duration=5s",
                "--overdraw=0", "--bank.accounts=10", "--bank.shard-count=3", "--cross-shard=false", "--seed=5");
        assertThat(options.gateway()).isEqualTo(URI.create("http://gw:9000"));
        assertThat(options.clients()).isEqualTo(32);
        assertThat(options.accounts()).isEqualTo(10);
        assertThat(options.shardCount()).isEqualTo(3);
        assertThat(options.crossShard()).isFalse();
        assertThat(options.seed()).isEqualTo(5);
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> LoadGenOptions.parse("--clinets=3")).hasMessageContaining("--clinets");
        assertThatThrownBy(() -> LoadGenOptions.parse("--clients=many")).hasMessageContaining("--clients");
        assertThatThrownBy(() -> LoadGenOptions.parse("--overdraw=2")).hasMessageContaining("--overdraw");
        assertThatThrownBy(() -> LoadGenOptions.parse("loadgen")).hasMessageContaining("unexpected argument");
    }

    @Test
    void listsAndFlags() {
        CommandLine line = CommandLine.parse("--clients=1,8,32", "--modes=local, verdict", "--jfr");
        assertThat(line.integers("clients", List.of())).containsExactly(1, 8, 32);
        assertThat(line.strings("modes", List.of())).containsExactly("local", "verdict");
        assertThat(line.flag("jfr", false)).isTrue();
        line.rejectUnknown();
    }
}
