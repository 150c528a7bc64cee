package dev.wsgateway.policy.message;

import dev.wsgateway.route.JsonFields;
import java.util.Set;

/**
 * Builds one type of message policy from a route's {@code messagePolicies} entry (or the gateway-wide
 * {@code gateway.message-policies}). Implementations are CDI beans; adding a message policy is adding a factory.
 * The catalog owns the fields {@code type}, {@code enabled} and {@code direction}.
 */
public interface MessagePolicyFactory {
    String type();

    /**
     * The policy for one entry, running on {@code flows}. Every problem with the entry is reported through
     * {@code settings} (unknown fields included); the result is only used when none was.
     */
    MessagePolicy create(Set<Flow> flows, JsonFields settings);
}
