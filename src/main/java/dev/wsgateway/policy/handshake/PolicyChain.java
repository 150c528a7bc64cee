package dev.wsgateway.policy.handshake;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import java.util.Comparator;
import java.util.List;

/** A route's effective policies in the order they run. The first rejection wins. */
public record PolicyChain(List<HandshakePolicy> policies) {

    public PolicyChain {
        policies = policies.stream().sorted(Comparator.comparingInt(HandshakePolicy::order)).toList();
    }

    /**
     * Runs the chain. On a rejection whatever the earlier policies reserved for the session (see
     * {@link HandshakeContext#onSessionEnd}) is given back at once.
     */
    public HandshakeDecision run(HandshakeContext context) {
        for (HandshakePolicy policy : policies) {
            context.rejectedBy(policy.type()); // stays set if the policy throws
            HandshakeDecision decision = policy.check(context);
            if (!decision.permitted()) {
                context.takeSessionEndActions().forEach(Runnable::run);
                return decision;
            }
        }
        context.rejectedBy(null);
        return HandshakeDecision.permit();
    }

    public JsonArray describe() {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (HandshakePolicy policy : policies) {
            array.add(Json.createObjectBuilder().add("type", policy.type()).add("order", policy.order())
                    .add("settings", policy.describe()));
        }
        return array.build();
    }
}
