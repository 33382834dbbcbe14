package dev.verdict.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SharedKeyMacTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final byte[] DOMAIN = "test".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aTagDependsOnEveryInputAndOnTheKey() {
        SharedKeyMac mac = new SharedKeyMac(KEY);
        String tag = mac.tag(DOMAIN, 1, 2, "a", "b");

        assertThat(mac.tag(DOMAIN, 1, 2, "a", "b")).isEqualTo(tag);
        assertThat(Set.of(mac.tag(DOMAIN, 2, 2, "a", "b"), mac.tag(DOMAIN, 1, 3, "a", "b"),
                mac.tag(DOMAIN, 1, 2, "ab"), mac.tag("other".getBytes(StandardCharsets.US_ASCII), 1, 2, "a", "b"),
                new SharedKeyMac(KEY.replace('0', 'x')).tag(DOMAIN, 1, 2, "a", "b"))).doesNotContain(tag).hasSize(5);
    }

    /** Every tag is made on a clone of one initialized Mac: threads tagging at once must not mix their inputs. */
    @Test
    void threadsTaggingAtOnceGetTheTagsOneThreadWouldGet() throws Exception {
        SharedKeyMac mac = new SharedKeyMac(KEY);
        List<String> expected = IntStream.range(0, 2_000).mapToObj(i -> mac.tag(DOMAIN, i, -i, "leg-" + i)).toList();

        List<Callable<String>> tasks = IntStream.range(0, 2_000).<Callable<String>>mapToObj(
                i -> () -> mac.tag(DOMAIN, i, -i, "leg-" + i)).toList();
        List<String> concurrent;
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<String>> futures = threads.invokeAll(tasks);
            concurrent = futures.stream().map(SharedKeyMacTest::get).toList();
        }

        assertThat(concurrent).isEqualTo(expected);
        assertThat(new HashSet<>(expected)).hasSize(expected.size());
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> new SharedKeyMac("too short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 characters");
    }

    private static String get(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
