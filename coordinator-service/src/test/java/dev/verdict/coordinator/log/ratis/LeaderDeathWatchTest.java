package dev.verdict.coordinator.log.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watch of a leader's process: a refused port means gone; anything else proves nothing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeaderDeathWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> gone = new CopyOnWriteArrayList<>();

    private LeaderDeathWatch newWatch() {
        return new LeaderDeathWatch(Duration.ofMillis(500), (leader, term) -> gone.add(leader + "@" + term));
    }

    private static LeaderDeathWatch.Target target(ServerSocket server) {
        return new LeaderDeathWatch.Target("n1", 7, new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
    }

    private static ServerSocket listen() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @Test
    void aLeaderWhosePortStopsListeningIsReportedGoneOnce() throws Exception {
        try (LeaderDeathWatch watch = newWatch()) {
            ServerSocket server = listen();
            Socket held;
            try (server) {
                watch.watch(target(server));
                held = server.accept(); // the watch's connection
            }
            held.close(); // the process dies: its listening port and its connections close together

            await().atMost(WAIT).until(() -> !gone.isEmpty());
            assertThat(gone).containsExactly("n1@7");
            assertThat(watch.watchedLeader()).isNull();
        }
    }

    @Test
    void aDroppedConnectionToALeaderStillListeningIsOpenedAgainAndReportsNothing() throws Exception {
        try (LeaderDeathWatch watch = newWatch(); ServerSocket server = listen()) {
            watch.watch(target(server));
            server.accept().close(); // dropped, e.g. an idle connection the server ends

            Socket again = server.accept(); // the probe, then the watch opening its connection again
            Socket third = server.accept();
            again.close();
            third.close();
            assertThat(gone).isEmpty();
            assertThat(watch.watchedLeader()).isEqualTo("n1");
        }
    }

    @Test
    void aStoppedWatchReportsNothingWhenTheLeaderGoes() throws Exception {
        try (LeaderDeathWatch watch = newWatch()) {
            Socket held;
            try (ServerSocket server = listen()) {
                watch.watch(target(server));
                held = server.accept();
                watch.stop();
                // the watch closes its own connection when stopped
                assertThat(held.getInputStream().read()).isEqualTo(-1);
            }
            held.close();
            assertThat(watch.watchedLeader()).isNull();
            assertThat(gone).isEmpty();
        }
    }

    @Test
    void aNewTargetReplacesTheOldOne() throws Exception {
        try (LeaderDeathWatch watch = newWatch(); ServerSocket first = listen(); ServerSocket second = listen()) {
            watch.watch(target(first));
            Socket firstConnection = first.accept();
            watch.watch(new LeaderDeathWatch.Target("n2", 8,
                    new InetSocketAddress(second.getInetAddress(), second.getLocalPort())));
            Socket secondConnection = second.accept();

            assertThat(firstConnection.getInputStream().read()).isEqualTo(-1); // the old watch let go
            assertThat(watch.watchedLeader()).isEqualTo("n2");
            firstConnection.close();
            secondConnection.close();
        }
    }
}
