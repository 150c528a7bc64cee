package dev.wsgateway.policy.handshake;

import dev.wsgateway.route.JsonFields;

/**
 * Builds one type of policy from a route's entry. Implementations are CDI beans, found by the
 * {@link PolicyCatalog}; adding a policy is adding a factory, nothing else. Gateway-wide defaults for a
 * type's settings come from MicroProfile Config and are read by its factory.
 */
public interface PolicyFactory {
    String type();

    /**
     * The policy for one route entry. Every problem with the entry is reported through {@code settings}
     * (unknown fields included; {@code type} and {@code enabled} belong to the catalog); the result is only
     * used when none was.
     */
    HandshakePolicy create(JsonFields settings);
}
