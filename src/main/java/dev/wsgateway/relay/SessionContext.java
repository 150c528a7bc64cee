package dev.wsgateway.relay;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.MessageContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the message policies of one relayed pair read: the pair's route, id, client address and credentials, the
 * handshake's headers (the HeaderSet, as the handshake policies saw them), and each policy's per-session state.
 * Made only for pairs whose route has message policies.
 */
final class SessionContext implements MessageContext {
    private final RelaySession session;
    private final Map<String, List<String>> headers;
    private final Map<Object, Object> state = new ConcurrentHashMap<>(4);

    SessionContext(RelaySession session, Map<String, List<String>> headers) {
        this.session = session;
        this.headers = headers;
    }

    @Override
    public String routeId() {
        return session.route().id();
    }

    @Override
    public String sessionId() {
        return session.id();
    }

    @Override
    public String clientAddress() {
        return session.clientAddress();
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Credentials credentials() {
        return session.credentials();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T state(Object owner, Supplier<T> initial) {
        return (T) state.computeIfAbsent(owner, o -> initial.get());
    }
}
