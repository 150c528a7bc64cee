package dev.wsgateway.policy.handshake;

import jakarta.json.JsonObject;

/**
 * One check on a WebSocket upgrade request, run before the backend is contacted. The chain runs policies
 * by {@link #order()}; the first rejection becomes the HTTP response. A policy may record what it learned
 * (principal, key id, token claims, expiry) and how the backend request is shaped in the context.
 * Policies are built per route (from the route's settings) and shared by every handshake on it: they hold
 * no per-request state.
 */
public interface HandshakePolicy {
    /** The type name routes use in their {@code policies} array, for example {@code jwt}. */
    String type();

    /** Where the policy runs in the chain, lower first; see {@link PolicyOrder}. */
    int order();

    HandshakeDecision check(HandshakeContext context);

    /** The effective settings, as shown by {@code GET /api/admin/routes/{id}/policies}. No secrets. */
    JsonObject describe();
}
