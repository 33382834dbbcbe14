package dev.verdict.participant.endpoint;

import dev.verdict.participant.branch.ParticipantIdentity;
import dev.verdict.participant.web.AdvertisedUrl;
import dev.verdict.protocol.coordinator.ParticipantAddress;
import dev.verdict.protocol.participant.ParticipantAddressApi;
import org.springframework.web.bind.annotation.RestController;

/** Answers who this participant is, exactly as it enlists, so a client can declare it when it begins. */
@RestController
public class ParticipantAddressController implements ParticipantAddressApi {

    private final ParticipantIdentity identity;
    private final AdvertisedUrl advertisedUrl;

    public ParticipantAddressController(ParticipantIdentity identity, AdvertisedUrl advertisedUrl) {
        this.identity = identity;
        this.advertisedUrl = advertisedUrl;
    }

    @Override
    public ParticipantAddress address() {
        return new ParticipantAddress(identity.participantId(), advertisedUrl.get());
    }
}
