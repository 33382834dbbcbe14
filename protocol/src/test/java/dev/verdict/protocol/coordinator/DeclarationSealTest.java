package dev.verdict.protocol.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.protocol.SharedKeyMac;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeclarationSealTest {

    static final String KEY = "a-declaration-key-of-at-least-32-characters";
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    static final Instant DEADLINE = NOW.plusSeconds(10);
    static final ParticipantAddress A = new ParticipantAddress("shard-a", "http://10.0.0.1:8081");
    static final ParticipantAddress B = new ParticipantAddress("shard-b", "http://10.0.0.2:8082");

    final DeclarationSeal seal = new DeclarationSeal(KEY);

    @Test
    void everyDeclaredParticipantFindsItselfInTheSealWithTheDeadline() {
        String sealed = seal.seal(42, DEADLINE, List.of(A, B)).orElseThrow();

        assertThat(seal.verify(sealed, 42, A, NOW)).contains(DEADLINE);
        assertThat(seal.verify(sealed, 42, B, NOW)).contains(DEADLINE);
        assertThat(new DeclarationSeal(KEY).verify(sealed, 42, A, NOW)).as("another instance, same key").contains(DEADLINE);
    }

    @Test
    void aParticipantNotDeclaredOrAtAnotherEndpointIsNotInTheSeal() {
        String sealed = seal.seal(42, DEADLINE, List.of(B)).orElseThrow();

        assertThat(seal.verify(sealed, 42, A, NOW)).isEmpty();
        assertThat(seal.verify(sealed, 42, new ParticipantAddress("shard-b", "http://10.0.0.9:8082"), NOW)).isEmpty();
        assertThat(seal.verify(sealed, 42, new ParticipantAddress("shard-c", B.endpoint()), NOW)).isEmpty();
    }

    @Test
    void anotherTransactionAnotherKeyOrAChangedDeadlineDoNotVerify() {
        String sealed = seal.seal(42, DEADLINE, List.of(A)).orElseThrow();
        String otherKey = new DeclarationSeal(KEY + "-rotated").seal(42, DEADLINE, List.of(A)).orElseThrow();
        String laterDeadline = sealed.replace("." + DEADLINE.toEpochMilli() + ".",
                "." + DEADLINE.plusSeconds(60).toEpochMilli() + ".");
        String otherTx = sealed.replaceFirst("^v1\\.42\\.", "v1.43.");

        assertThat(seal.verify(sealed, 43, A, NOW)).isEmpty();
        assertThat(seal.verify(otherTx, 43, A, NOW)).as("the txId is under the tag").isEmpty();
        assertThat(seal.verify(otherKey, 42, A, NOW)).isEmpty();
        assertThat(seal.verify(laterDeadline, 42, A, NOW)).as("the deadline is under the tag").isEmpty();
    }

    @Test
    void aSealIsGoodOnlyBeforeItsDeadline() {
        String sealed = seal.seal(42, DEADLINE, List.of(A)).orElseThrow();

        assertThat(seal.verify(sealed, 42, A, DEADLINE.minusMillis(1))).contains(DEADLINE);
        assertThat(seal.verify(sealed, 42, A, DEADLINE)).isEmpty();
        assertThat(seal.verify(sealed, 42, A, DEADLINE.plusSeconds(1))).isEmpty();
    }

    @Test
    void malformedSealsAreNotTrustedAndNeverThrow() {
        String sealed = seal.seal(42, DEADLINE, List.of(A)).orElseThrow();
        String tag = sealed.substring(sealed.lastIndexOf('.') + 1);
        List<String> malformed = List.of("", "v1", "v1.42", "v1.42." + DEADLINE.toEpochMilli(),
                "v2" + sealed.substring(2), "v1.x." + DEADLINE.toEpochMilli() + "." + tag,
                "v1.42.y." + tag, sealed + "\u00e9", sealed.substring(0, sealed.length() - 1),
                "v1.42." + DEADLINE.toEpochMilli() + "." + ".".repeat(500) + tag);

        for (String bad : malformed) {
            assertThat(seal.verify(bad, 42, A, NOW)).as(bad).isEmpty();
        }
        assertThat(seal.verify(null, 42, A, NOW)).isEmpty();
    }

    @Test
    void nothingToSealOrTooMuch() {
        List<ParticipantAddress> many = IntStream.rangeClosed(0, DeclarationSeal.MAX_PARTICIPANTS)
                .mapToObj(i -> new ParticipantAddress("p" + i, "http://10.0.0.1:" + (9000 + i)))
                .toList();

        assertThat(seal.seal(42, DEADLINE, List.of())).isEmpty();
        assertThat(seal.seal(42, DEADLINE, many)).isEmpty();
        assertThat(seal.seal(42, DEADLINE, many.subList(0, DeclarationSeal.MAX_PARTICIPANTS))).isPresent();
    }

    @Test
    void noKeyConfiguredMeansNoSeal() {
        assertThat(DeclarationSeal.withKey(null)).isEmpty();
        assertThat(DeclarationSeal.withKey("   ")).isEmpty();
        assertThat(DeclarationSeal.withKey(KEY)).isPresent();
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> new DeclarationSeal("too-short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> new DeclarationSeal(null)).isInstanceOf(IllegalArgumentException.class);
    }

    /** What a deferred begin's commit carries back: the seal must cover exactly that list, in that order. */
    @Test
    void theWholeDeclarationVerifiesOnlyAsSealed() {
        String sealed = seal.seal(42, DEADLINE, List.of(A, B)).orElseThrow();

        assertThat(seal.verifyDeclared(sealed, 42, List.of(A, B))).contains(DEADLINE);
        assertThat(seal.verifyDeclared(sealed, 42, List.of(A))).as("a participant left out").isEmpty();
        assertThat(seal.verifyDeclared(sealed, 42, List.of(B, A))).as("another order").isEmpty();
        assertThat(seal.verifyDeclared(sealed, 42, List.of(A, B, B))).as("one added").isEmpty();
        assertThat(seal.verifyDeclared(sealed, 42,
                List.of(A, new ParticipantAddress("shard-b", "http://10.0.0.9:8082")))).as("another endpoint").isEmpty();
        assertThat(seal.verifyDeclared(sealed, 43, List.of(A, B))).as("another transaction").isEmpty();
        assertThat(new DeclarationSeal(KEY + "-rotated").verifyDeclared(sealed, 42, List.of(A, B))).isEmpty();
        assertThat(seal.verifyDeclared(null, 42, List.of(A, B))).isEmpty();
        assertThat(seal.verifyDeclared(sealed, 42, List.of())).isEmpty();
    }

    /** Expiry is the table's business: an abort past the deadline still names the participants to tell. */
    @Test
    void theWholeDeclarationVerifiesPastItsDeadlineToo() {
        String sealed = seal.seal(42, NOW.minusSeconds(1), List.of(A)).orElseThrow();

        assertThat(seal.verifyDeclared(sealed, 42, List.of(A))).contains(NOW.minusSeconds(1));
    }

    // ---- seals made by a lease's holder ---------------------------------------------------------------------

    static final Instant LIVE_UNTIL = NOW.plusSeconds(120);

    @Test
    void aLeaseHolderSealsItsOwnIdsAndEveryoneWithTheKeyVerifiesThem() {
        IdLease lease = seal.lease(1_025, 2_048, LIVE_UNTIL);
        String sealed = DeclarationSeal.sealLeased(lease, 1_100, DEADLINE, List.of(A, B)).orElseThrow();

        assertThat(lease.key()).as("the lease key is not the declaration key").doesNotContain(KEY);
        assertThat(seal.verify(sealed, 1_100, A, NOW)).contains(DEADLINE);
        assertThat(new DeclarationSeal(KEY).verify(sealed, 1_100, B, NOW)).contains(DEADLINE);
        assertThat(seal.verifyDeclared(sealed, 1_100, List.of(A, B))).contains(DEADLINE);
        assertThat(seal.verifyDeclared(sealed, 1_100, List.of(B, A))).as("in the order declared").isEmpty();
        assertThat(seal.verify(sealed, 1_100, A, DEADLINE)).as("expired").isEmpty();
        assertThat(new DeclarationSeal(KEY + "-rotated").verify(sealed, 1_100, A, NOW)).isEmpty();
    }

    @Test
    void aLeaseSealsNoIdOutsideItAndNoDeadlinePastItsLife() {
        IdLease lease = seal.lease(1_025, 2_048, LIVE_UNTIL);

        assertThatThrownBy(() -> DeclarationSeal.sealLeased(lease, 2_049, DEADLINE, List.of(A)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeclarationSeal.sealLeased(lease, 1_100, LIVE_UNTIL.plusMillis(1), List.of(A)))
                .isInstanceOf(IllegalArgumentException.class);
        // a holder that seals them anyway, under the lease's key, gets nothing past the checks
        String outside = forge(lease, 1_025, 2_048, LIVE_UNTIL, 2_049, DEADLINE);
        String tooLate = forge(lease, 1_025, 2_048, LIVE_UNTIL, 1_100, LIVE_UNTIL.plusSeconds(600));
        assertThat(seal.verify(outside, 2_049, A, NOW)).isEmpty();
        assertThat(seal.verifyDeclared(outside, 2_049, List.of(A))).isEmpty();
        assertThat(seal.verify(tooLate, 1_100, A, NOW)).isEmpty();
        assertThat(seal.verifyDeclared(tooLate, 1_100, List.of(A))).isEmpty();
        assertThat(seal.verify(forge(lease, 1_025, 2_048, LIVE_UNTIL, 1_100, DEADLINE), 1_100, A, NOW))
                .as("the same, honest").contains(DEADLINE);
    }

    @Test
    void aLeaseWhoseFieldsWereChangedSealsNothing() {
        IdLease lease = seal.lease(1_025, 2_048, LIVE_UNTIL);
        // the lease's fields derive the key its tags must be under: widening its range or its life changes it
        String wider = forge(lease, 1, 1_000_000, LIVE_UNTIL, 5, DEADLINE);
        Instant muchLater = LIVE_UNTIL.plusSeconds(3_600);
        String longer = forge(lease, 1_025, 2_048, muchLater, 1_100, muchLater.minusSeconds(1));

        assertThat(seal.verify(wider, 5, A, NOW)).isEmpty();
        assertThat(seal.verifyDeclared(wider, 5, List.of(A))).isEmpty();
        assertThat(seal.verify(longer, 1_100, A, NOW)).isEmpty();
        assertThat(seal.verifyDeclared(longer, 1_100, List.of(A))).isEmpty();
    }

    @Test
    void aLeasedSealIsOnlyForOneTransaction() {
        IdLease lease = seal.lease(1_025, 2_048, LIVE_UNTIL);
        String sealed = DeclarationSeal.sealLeased(lease, 1_100, DEADLINE, List.of(A)).orElseThrow();
        String otherTx = sealed.replace(".1100.", ".1101.");

        assertThat(seal.verify(sealed, 1_101, A, NOW)).isEmpty();
        assertThat(seal.verify(otherTx, 1_101, A, NOW)).as("the txId is under the tag").isEmpty();
        assertThat(seal.verify("v2.1025.2048." + LIVE_UNTIL.toEpochMilli() + ".1100", 1_100, A, NOW))
                .as("no tags").isEmpty();
        assertThat(seal.verify("v2.x.2048.1.1100." + DEADLINE.toEpochMilli() + ".tag", 1_100, A, NOW)).isEmpty();
    }

    /** A seal naming these lease fields, tagged for A under {@code lease}'s key: what a dishonest holder could make. */
    private static String forge(IdLease lease, long first, long last, Instant liveUntil, long txId, Instant deadline) {
        String tag = new SharedKeyMac(lease.key()).tag("verdict-declared-participant".getBytes(StandardCharsets.UTF_8),
                txId, deadline.toEpochMilli(), A.participantId(), A.endpoint());
        return "v2." + first + "." + last + "." + liveUntil.toEpochMilli() + "." + txId + "." + deadline.toEpochMilli()
                + "." + tag;
    }
}
