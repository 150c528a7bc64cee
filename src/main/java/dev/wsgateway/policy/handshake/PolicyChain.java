package dev.wsgateway.policy.handshake;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import java.util.Comparator;
import java.util.List;

/** A route's effective policies in the order they run. The first rejection wins. */
public record PolicyChain(List<HandshakePolicy> policies) {

    public PolicyChain {
        policies = policies.stream().sorted(Comparator.comparingInt(HandshakePolicy::order)).toList();
    }

    /** A chain's answer and, for a rejection, the type of the policy that gave it (null when permitted). */
    public record Verdict(HandshakeDecision decision, String rejectedBy) {
    }

    /**
     * Runs the chain. On a rejection whatever the earlier policies reserved for the session (see
     * {@link HandshakeContext#onSessionEnd}) is given back at once.
     */
    public HandshakeDecision run(HandshakeContext context) {
        return decide(context).decision();
    }

    /** A policy threw instead of answering; names it. */
    public static final class PolicyFailed extends RuntimeException {
        private final String policyType;

        PolicyFailed(String policyType, RuntimeException cause) {
            super("handshake policy " + policyType + " failed", cause);
            this.policyType = policyType;
        }

        public String policyType() {
            return policyType;
        }
    }

    /** As {@link #run}, naming the policy that rejected; a policy that throws is named by a {@link PolicyFailed}. */
    public Verdict decide(HandshakeContext context) {
        for (HandshakePolicy policy : policies) {
            HandshakeDecision decision;
            try {
                decision = policy.check(context);
            } catch (RuntimeException e) {
                throw new PolicyFailed(policy.type(), e);
            }
            if (!decision.permitted()) {
                context.takeSessionEndActions().forEach(Runnable::run);
                return new Verdict(decision, policy.type());
            }
        }
        return new Verdict(HandshakeDecision.permit(), null);
    }

    public JsonArray describe() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (HandshakePolicy policy : policies) {
            array.add(JSON.createObjectBuilder().add("type", policy.type()).add("order", policy.order())
                    .add("settings", policy.describe()));
        }
        return array.build();
    }
}
