package dev.wsgateway.policy.message;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import java.util.List;

/**
 * One flow's message policies for one route version, in the order they run: the frame policies on every frame
 * as it streams, then (only if there are any) the whole-message policies on each assembled message. Each policy
 * is a {@link Step} with its verdict counters.
 */
public final class MessageChain {
    /** Verdict labels, also the metrics' {@code verdict} tag. */
    public enum Outcome {
        FORWARD, DROP, REPLACE, CLOSE, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One policy in a flow's chain, with its counters (registered the first time each verdict happens). */
    public static final class Step<P extends MessagePolicy> {
        private final P policy;
        private final String routeId;
        private final Flow flow;
        private final VerdictCounters counters;
        private final Runnable[] resolved = new Runnable[Outcome.values().length];

        Step(P policy, String routeId, Flow flow, VerdictCounters counters) {
            this.policy = policy;
            this.routeId = routeId;
            this.flow = flow;
            this.counters = counters;
        }

        public P policy() {
            return policy;
        }

        /** Counts one verdict of this policy (per message: a frame policy's forward is counted on the last frame). */
        public void count(Outcome outcome) {
            Runnable counter = resolved[outcome.ordinal()];
            if (counter == null) { // a benign race: the registry hands back the same counter
                counter = counters.counter(routeId, policy.type(), flow, outcome.label());
                resolved[outcome.ordinal()] = counter;
            }
            counter.run();
        }
    }

    private final Flow flow;
    private final List<MessagePolicy> policies;
    private final List<Step<FramePolicy>> framePolicies;
    private final List<Step<WholeMessagePolicy>> wholeMessagePolicies;

    MessageChain(Flow flow, List<MessagePolicy> policies, String routeId, VerdictCounters counters) {
        this.flow = flow;
        this.policies = List.copyOf(policies);
        this.framePolicies = policies.stream().filter(p -> p instanceof FramePolicy)
                .map(p -> new Step<>((FramePolicy) p, routeId, flow, counters)).toList();
        this.wholeMessagePolicies = policies.stream().filter(p -> p instanceof WholeMessagePolicy)
                .map(p -> new Step<>((WholeMessagePolicy) p, routeId, flow, counters)).toList();
    }

    public Flow flow() {
        return flow;
    }

    public boolean isEmpty() {
        return policies.isEmpty();
    }

    public List<Step<FramePolicy>> framePolicies() {
        return framePolicies;
    }

    public List<Step<WholeMessagePolicy>> wholeMessagePolicies() {
        return wholeMessagePolicies;
    }

    /** Whether the direction assembles messages: only when a whole-message policy runs on it. */
    public boolean assembles() {
        return !wholeMessagePolicies.isEmpty();
    }

    /** The phase a policy runs in, as the admin API shows it. */
    public static String phase(MessagePolicy policy) {
        return policy instanceof WholeMessagePolicy ? "message" : "frame";
    }

    /** The policies in their configured order, each with its type, phase and settings. */
    public JsonArray describe() {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (MessagePolicy policy : policies) {
            array.add(JSON.createObjectBuilder().add("type", policy.type()).add("phase", phase(policy))
                    .add("settings", policy.describe()));
        }
        return array.build();
    }
}
