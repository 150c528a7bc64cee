package dev.wsgateway.route;

import dev.wsgateway.upstream.transport.BackendTls;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * An effective, immutable route as the edge uses it. {@code subprotocols} is the allow-list
 * (empty: whatever the backend accepts); {@code idleTimeoutSeconds} 0 means no idle timeout;
 * {@code pingIntervalSeconds} 0 means no keepalive pings; {@code maxInFlightBytes} is each direction's budget of
 * bytes read from one side and not yet written to the other (past it, the sending side is paused);
 * {@code policies} are the route's handshake policy entries as written (validated), compiled into a chain by
 * the policy catalog; {@code messagePolicies} are its message policy entries (validated, compiled by the message
 * policy catalog), and {@code maxBufferedMessageBytes} the largest message a direction assembles for them;
 * {@code maxSessionSeconds} 0 means sessions may live for ever (else they are closed with 1001 at about that age,
 * see {@code relay/SessionLifetime}); {@code backendTls} is the route's own trust for a {@code wss://} backend, built
 * once per distinct setting (its TLS sessions are resumed through it), or null for the gateway-wide trust.
 */
public record Route(String id, String path, URI backend, List<String> subprotocols, int connectTimeoutMillis,
                    int idleTimeoutSeconds, int maxMessageBytes, int maxInFlightBytes, int pingIntervalSeconds,
                    boolean enabled, List<JsonObject> policies, long version, List<JsonObject> messagePolicies,
                    int maxBufferedMessageBytes, int maxSessionSeconds, BackendTls backendTls) {
    /** Each direction's budget of bytes in flight when neither the route nor the gateway says otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024;
    /** The largest message assembled for whole-message policies when neither the route nor the gateway says. */
    public static final int DEFAULT_MAX_BUFFERED_MESSAGE_BYTES = 1 << 20;

    public Route {
        subprotocols = List.copyOf(subprotocols);
        policies = List.copyOf(policies);
        messagePolicies = List.copyOf(messagePolicies);
    }

    /** A route whose {@code wss://} backend has the gateway-wide trust. */
    public Route(String id, String path, URI backend, List<String> subprotocols, int connectTimeoutMillis,
                 int idleTimeoutSeconds, int maxMessageBytes, int maxInFlightBytes, int pingIntervalSeconds,
                 boolean enabled, List<JsonObject> policies, long version, List<JsonObject> messagePolicies,
                 int maxBufferedMessageBytes, int maxSessionSeconds) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, policies, version, messagePolicies,
                maxBufferedMessageBytes, maxSessionSeconds, null);
    }

    /** A route without a maximum session age. */
    public Route(String id, String path, URI backend, List<String> subprotocols, int connectTimeoutMillis,
                 int idleTimeoutSeconds, int maxMessageBytes, int maxInFlightBytes, int pingIntervalSeconds,
                 boolean enabled, List<JsonObject> policies, long version, List<JsonObject> messagePolicies,
                 int maxBufferedMessageBytes) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, policies, version, messagePolicies,
                maxBufferedMessageBytes, 0);
    }

    /** A route without message policies. */
    public Route(String id, String path, URI backend, List<String> subprotocols, int connectTimeoutMillis,
                 int idleTimeoutSeconds, int maxMessageBytes, int maxInFlightBytes, int pingIntervalSeconds,
                 boolean enabled, List<JsonObject> policies, long version) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, policies, version, List.of(),
                DEFAULT_MAX_BUFFERED_MESSAGE_BYTES);
    }

    /** A route with the default in-flight budget. */
    public Route(String id, String path, URI backend, List<String> subprotocols, int connectTimeoutMillis,
                 int idleTimeoutSeconds, int maxMessageBytes, int pingIntervalSeconds, boolean enabled,
                 List<JsonObject> policies, long version) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                DEFAULT_MAX_IN_FLIGHT_BYTES, pingIntervalSeconds, enabled, policies, version);
    }

    /** The client's requested subprotocols this route lets through to the backend, in the client's order. */
    public List<String> offerable(List<String> requested) {
        if (subprotocols.isEmpty()) {
            return List.copyOf(requested);
        }
        List<String> allowed = new ArrayList<>();
        for (String p : requested) {
            if (subprotocols.contains(p)) {
                allowed.add(p);
            }
        }
        return allowed;
    }

    /**
     * The backend URI for a request: the rest of the request path appended to the backend's path,
     * the request's query string appended to the backend's own query.
     */
    public URI backendUriFor(String rawRest, String rawQuery) {
        String base = backend.toString();
        String query = backend.getRawQuery();
        if (query != null) {
            base = base.substring(0, base.length() - query.length() - 1);
        }
        StringBuilder uri = new StringBuilder(base);
        if (!rawRest.isEmpty()) {
            if (uri.charAt(uri.length() - 1) == '/') {
                uri.setLength(uri.length() - 1);
            }
            uri.append(rawRest);
        }
        boolean hasQuery = query != null && !query.isEmpty();
        boolean hasRequestQuery = rawQuery != null && !rawQuery.isEmpty();
        if (hasQuery || hasRequestQuery) {
            uri.append('?');
            if (hasQuery) {
                uri.append(query);
            }
            if (hasQuery && hasRequestQuery) {
                uri.append('&');
            }
            if (hasRequestQuery) {
                uri.append(rawQuery);
            }
        }
        return URI.create(uri.toString());
    }
}
