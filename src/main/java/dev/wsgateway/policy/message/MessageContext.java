package dev.wsgateway.policy.message;

import dev.wsgateway.policy.Credentials;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a message policy may read about the session, read-only, as the seed's {@code websock.context}: the route,
 * the handshake's headers (the HeaderSet), what the handshake policies learned, the client's address; plus a
 * place for the policy's own per-session state.
 */
public interface MessageContext {
    String routeId();

    String sessionId();

    String clientAddress();

    /** The handshake request's headers, case-insensitive names, read-only. */
    Map<String, List<String>> headers();

    /** Principal, key id, subject, claims; {@link Credentials#ANONYMOUS} when no policy authenticated. */
    Credentials credentials();

    /**
     * The state {@code owner} keeps for this session, created by {@code initial} on first use. Safe to call from
     * either direction's thread; the state itself must be thread-safe when the policy runs on both flows.
     */
    <T> T state(Object owner, Supplier<T> initial);
}
