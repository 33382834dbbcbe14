package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftNodeConfigTest {

    private static final Path DIR = Path.of("/tmp/verdict-test");

    private static Map<String, String> peers() {
        Map<String, String> peers = new LinkedHashMap<>();
        peers.put("n1", "c1:9870");
        peers.put("n2", "c2:9870");
        peers.put("n3", "c3:9871");
        return peers;
    }

    @Test
    void defaultsFitAThreeNodeClusterAndKeepPeerOrder() {
        RaftNodeConfig config = RaftNodeConfig.of("prod", "n3", peers(), DIR);
        assertThat(config.peers().keySet()).containsExactly("n1", "n2", "n3");
        assertThat(config.address()).isEqualTo("c3:9871");
        assertThat(config.port()).isEqualTo(9871);
        assertThat(config.electionTimeoutMax()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(config.requestTimeout()).isGreaterThan(config.electionTimeoutMax());
        assertThat(config.snapshotThreshold()).isEqualTo(10_000);
        assertThatThrownBy(() -> config.peers().put("n4", "x:1")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void groupIdIsDerivedFromTheClusterIdAlone() {
        RaftNodeConfig a = RaftNodeConfig.of("prod", "n1", peers(), DIR);
        RaftNodeConfig b = RaftNodeConfig.of("prod", "n2", peers(), Path.of("/elsewhere"));
        RaftNodeConfig other = RaftNodeConfig.of("staging", "n1", peers(), DIR);
        assertThat(a.groupId()).isEqualTo(b.groupId()).isEqualTo(RaftNodeConfig.groupIdOf("prod"));
        assertThat(other.groupId()).isNotEqualTo(a.groupId());
    }

    @Test
    void withersChangeOneSetting() {
        RaftNodeConfig config = RaftNodeConfig.of("prod", "n1", peers(), DIR)
                .withElectionTimeout(Duration.ofMillis(300), Duration.ofMillis(600))
                .withSnapshotThreshold(50)
                .withRequestTimeout(Duration.ofSeconds(2));
        assertThat(config.electionTimeoutMin()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.electionTimeoutMax()).isEqualTo(Duration.ofMillis(600));
        assertThat(config.snapshotThreshold()).isEqualTo(50);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.nodeId()).isEqualTo("n1");
    }

    @Test
    void rejectsInvalidSettingsWithClearMessages() {
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n9", peers(), DIR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId 'n9' must be one of the peers");
        assertThatThrownBy(() -> RaftNodeConfig.of(" ", "n1", peers(), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterId");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of(), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peers");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of("n1", "nohost"), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of("n1", "h:http"), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-numeric port");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of("n1", "h:70000"), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 1-65535");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of("n1", "h:1", "n2", "h:1"), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share one address");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", Map.of("n1", "h:1", "bad id", "h:2"), DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> RaftNodeConfig.of("prod", "n1", peers(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataDir");
        RaftNodeConfig ok = RaftNodeConfig.of("prod", "n1", peers(), DIR);
        assertThatThrownBy(() -> ok.withElectionTimeout(Duration.ofMillis(800), Duration.ofMillis(800)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("electionTimeoutMax");
        assertThatThrownBy(() -> ok.withElectionTimeout(Duration.ZERO, Duration.ofMillis(800)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("electionTimeoutMin");
        assertThatThrownBy(() -> ok.withSnapshotThreshold(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotThreshold");
        assertThatThrownBy(() -> ok.withRequestTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> ok.withRequestTimeout(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
    }

    @Test
    void raftPropertiesFollowTheConfig() {
        RaftNodeConfig config = RaftNodeConfig.of("prod", "n2", peers(), DIR)
                .withElectionTimeout(Duration.ofMillis(300), Duration.ofMillis(700))
                .withSnapshotThreshold(123);
        RaftProperties properties = RatisSettings.serverProperties(config);
        assertThat(GrpcConfigKeys.Server.port(properties)).isEqualTo(9870);
        assertThat(RaftServerConfigKeys.storageDir(properties)).containsExactly(DIR.resolve("").toFile());
        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(properties).toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(300);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMax(properties).toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(700);
        assertThat(RaftServerConfigKeys.Read.option(properties)).isEqualTo(RaftServerConfigKeys.Read.Option.DEFAULT);
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(properties)).isEqualTo(123);
        assertThat(RatisSettings.retryPolicy(config.requestTimeout()))
                .isInstanceOf(RequestTypeDependentRetryPolicy.class);
    }
}
