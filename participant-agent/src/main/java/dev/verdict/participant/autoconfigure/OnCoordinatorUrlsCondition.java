package dev.verdict.participant.autoconfigure;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when coordinator URLs are configured, under verdict.client or (as a fallback) verdict.participant. */
class OnCoordinatorUrlsCondition extends SpringBootCondition {

    static final String CLIENT = "verdict.client.coordinator-urls";
    static final String PARTICIPANT = "verdict.participant.coordinator-urls";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        for (String name : List.of(CLIENT, PARTICIPANT)) {
            if (!binder.bind(name, Bindable.listOf(String.class)).orElse(List.of()).isEmpty()) {
                return ConditionOutcome.match(name + " is set");
            }
        }
        return ConditionOutcome.noMatch("neither " + CLIENT + " nor " + PARTICIPANT + " is set");
    }
}
