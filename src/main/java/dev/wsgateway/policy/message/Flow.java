package dev.wsgateway.policy.message;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which way a message travels through the relay. A message policy runs on one flow or both, as its route entry's
 * {@code direction} says: {@code clientToBackend}, {@code backendToClient} or {@code both}.
 */
public enum Flow {
    CLIENT_TO_BACKEND("clientToBackend"), BACKEND_TO_CLIENT("backendToClient");

    private final String label;

    Flow(String label) {
        this.label = label;
    }

    /** The name route entries use. */
    public String label() {
        return label;
    }

    /** The flows a {@code direction} value names: a flow's label or {@code both}; null for anything else. */
    public static Set<Flow> parse(String direction) {
        if ("both".equals(direction)) {
            return EnumSet.allOf(Flow.class);
        }
        for (Flow flow : values()) {
            if (flow.label.equals(direction)) {
                return EnumSet.of(flow);
            }
        }
        return null;
    }
}
