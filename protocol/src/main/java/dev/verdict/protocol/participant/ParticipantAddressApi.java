package dev.verdict.protocol.participant;

import dev.verdict.protocol.coordinator.ParticipantAddress;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * Who a participant agent is: the id and endpoint it enlists with. A client reads it once per agent to declare
 * the participants it is going to call when it begins a transaction.
 */
@HttpExchange(url = ParticipantAddressApi.PATH, accept = "application/json")
public interface ParticipantAddressApi {

    String PATH = "/verdict/v1/participant";

    @GetExchange
    ParticipantAddress address();
}
