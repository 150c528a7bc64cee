package dev.wsgateway.policy.message;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A route version's message policies: one {@link MessageChain} per flow. */
public final class MessageChains {
    /** No message policies on either flow. */
    public static final MessageChains NONE = new MessageChains(Map.of(
            Flow.CLIENT_TO_BACKEND, new MessageChain(Flow.CLIENT_TO_BACKEND, List.of(), "", VerdictCounters.NONE),
            Flow.BACKEND_TO_CLIENT, new MessageChain(Flow.BACKEND_TO_CLIENT, List.of(), "", VerdictCounters.NONE)));

    private final Map<Flow, MessageChain> chains;

    MessageChains(Map<Flow, MessageChain> chains) {
        this.chains = new EnumMap<>(chains);
    }

    public MessageChain of(Flow flow) {
        return chains.get(flow);
    }

    /** Whether no policy runs on either flow (the relay then does no per-message work at all). */
    public boolean isEmpty() {
        return chains.values().stream().allMatch(MessageChain::isEmpty);
    }

    /**
     * Per flow: whether it assembles messages, and its policies in order with their phase:
     * {@code {"clientToBackend": {"assembles": false, "policies": [...]}, "backendToClient": {...}}}.
     */
    public JsonObject describe() {
        JsonObjectBuilder flows = JSON.createObjectBuilder();
        for (Flow flow : Flow.values()) {
            MessageChain chain = of(flow);
            flows.add(flow.label(), JSON.createObjectBuilder().add("assembles", chain.assembles())
                    .add("policies", chain.describe()));
        }
        return flows.build();
    }
}
