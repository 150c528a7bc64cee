package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.MessageContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A session as the message policies see it, built by hand: headers case-insensitive, state in a map. */
public final class TestMessageContext implements MessageContext {
    private final String routeId;
    private final String sessionId;
    private final String clientAddress;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Credentials credentials;
    private final Map<Object, Object> state = new ConcurrentHashMap<>();

    public TestMessageContext(String routeId, String sessionId, String clientAddress, Credentials credentials) {
        this.routeId = routeId;
        this.sessionId = sessionId;
        this.clientAddress = clientAddress;
        this.credentials = credentials;
    }

    /** An anonymous client of route {@code chat}. */
    public static TestMessageContext anonymous(String sessionId, String clientAddress) {
        return new TestMessageContext("chat", sessionId, clientAddress, Credentials.ANONYMOUS);
    }

    /** A client of route {@code chat} that authenticated as {@code principal} with a token carrying {@code claims}. */
    public static TestMessageContext user(String sessionId, String principal, Map<String, Object> claims) {
        return new TestMessageContext("chat", sessionId, "10.0.0.1",
                new Credentials(principal, "jwt", null, principal, "jti-1", null, false, claims));
    }

    public TestMessageContext header(String name, String value) {
        headers.put(name, List.of(value));
        return this;
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Credentials credentials() {
        return credentials;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T state(Object owner, Supplier<T> initial) {
        return (T) state.computeIfAbsent(owner, o -> initial.get());
    }
}
