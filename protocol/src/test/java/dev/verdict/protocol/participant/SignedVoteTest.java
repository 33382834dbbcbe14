package dev.verdict.protocol.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verdict.protocol.Vote;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import org.junit.jupiter.api.Test;

class SignedVoteTest {

    static final String KEY = "a-declaration-key-of-at-least-32-characters";
    static final ParticipantAddress A = new ParticipantAddress("shard-a", "http://10.0.0.1:8081");
    static final ParticipantAddress DOTTED = new ParticipantAddress("eu.shard.7", "http://10.0.0.7:8081");

    final SignedVote votes = new SignedVote(KEY);

    @Test
    void aVoteChecksOutForItsTransactionAndParticipantWithTheSameKey() {
        for (Vote vote : Vote.values()) {
            String token = votes.sign(42, vote, A);
            assertThat(new SignedVote(KEY).verify(token, 42, A)).as(token).contains(vote);
            assertThat(SignedVote.participantOf(token)).contains("shard-a");
        }
        String dotted = votes.sign(42, Vote.YES, DOTTED);
        assertThat(SignedVote.participantOf(dotted)).as("an id with dots").contains("eu.shard.7");
        assertThat(votes.verify(dotted, 42, DOTTED)).contains(Vote.YES);
    }

    @Test
    void anotherTransactionParticipantEndpointOrKeyDoesNotCheckOut() {
        String token = votes.sign(42, Vote.YES, A);

        assertThat(votes.verify(token, 43, A)).as("another transaction").isEmpty();
        assertThat(votes.verify(token.replaceFirst("^v1\\.42\\.", "v1.43."), 43, A)).as("the txId is under the tag").isEmpty();
        assertThat(votes.verify(token, 42, new ParticipantAddress("shard-a", "http://10.0.0.9:8081")))
                .as("the participant at another endpoint").isEmpty();
        assertThat(votes.verify(token.replace(".shard-a", ".shard-b"), 42,
                new ParticipantAddress("shard-b", A.endpoint()))).as("another participant").isEmpty();
        assertThat(new SignedVote(KEY + "-rotated").verify(token, 42, A)).as("another key").isEmpty();
    }

    @Test
    void theVoteIsUnderTheTag() {
        String no = votes.sign(42, Vote.NO, A);

        assertThat(votes.verify(no.replace(".NO.", ".YES."), 42, A)).isEmpty();
        assertThat(votes.verify(no.replace(".NO.", ".READ_ONLY."), 42, A)).isEmpty();
    }

    @Test
    void malformedTokensAreNotVotes() {
        for (String token : new String[] {null, "", "v1", "v1.42.YES.tag", "v2.42.YES.tag.shard-a", "v1.x.YES.tag.shard-a",
                "v1.42.MAYBE.tag.shard-a", "v1.42.YES.tag.", "v1.42.YES.tag.shard-a" + "x".repeat(SignedVote.MAX_LENGTH)}) {
            assertThat(votes.verify(token, 42, A)).as(String.valueOf(token)).isEmpty();
        }
        assertThat(SignedVote.participantOf("v1.42.YES.tag")).isEmpty();
    }

    @Test
    void noKeyNoSignaturesAndAShortKeyIsRefused() {
        assertThat(SignedVote.withKey(null)).isEmpty();
        assertThat(SignedVote.withKey(" ")).isEmpty();
        assertThat(SignedVote.withKey(KEY)).isPresent();
        assertThatThrownBy(() -> new SignedVote("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestParticipantIdStillFitsATokenACommitAccepts() {
        ParticipantAddress longest = new ParticipantAddress("x".repeat(64), A.endpoint());
        String token = votes.sign(Long.MAX_VALUE, Vote.READ_ONLY, longest);

        assertThat(token.length()).isLessThanOrEqualTo(SignedVote.MAX_LENGTH);
        assertThat(votes.verify(token, Long.MAX_VALUE, longest)).contains(Vote.READ_ONLY);
    }
}
