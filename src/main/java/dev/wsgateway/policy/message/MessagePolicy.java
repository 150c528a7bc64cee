package dev.wsgateway.policy.message;

import jakarta.json.JsonObject;
import java.util.Set;

/**
 * One check or change applied to the data messages of a relayed session, after the handshake. Its phase is its
 * type: a {@link FramePolicy} sees each frame as it streams through (nothing is buffered for it); a
 * {@link WholeMessagePolicy} sees whole messages, so a direction with one assembles each message first, up to the
 * route's {@code maxBufferedMessageBytes}. Policies are built per route version and shared by all its sessions:
 * per-session state lives in {@link MessageContext#state}.
 */
public sealed interface MessagePolicy permits FramePolicy, WholeMessagePolicy {
    /** The type name routes use in their {@code messagePolicies} array, for example {@code jsonSchema}. */
    String type();

    /** The flows it runs on. */
    Set<Flow> flows();

    /** The effective settings, as shown by {@code GET /api/admin/routes/{id}/policies}. No secrets. */
    JsonObject describe();
}
