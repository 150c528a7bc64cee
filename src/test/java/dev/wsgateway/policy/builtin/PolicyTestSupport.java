package dev.wsgateway.policy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared pieces of the handshake policy tests: routes, requests, settings from JSON, defaults from a map. */
final class PolicyTestSupport {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private PolicyTestSupport() {
    }

    static Route route(String id) {
        return new Route(id, "/" + id, URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60, 1024, 30, true,
                List.of(), 1);
    }

    static GatewayDefaults defaults(Map<String, String> map) {
        return key -> Optional.ofNullable(map.get(key));
    }

    static GatewayDefaults noDefaults() {
        return defaults(Map.of());
    }

    /** {@code 'single'} quotes become double quotes. */
    static JsonObject json(String singleQuoted) {
        try (var reader = Json.createReader(new StringReader(singleQuoted.replace('\'', '"')))) {
            return reader.readObject();
        }
    }

    static List<FieldError> problems(PolicyFactory factory, String settings) {
        List<FieldError> errors = new ArrayList<>();
        factory.create(new JsonFields(json(settings), "policies[0].", errors));
        return errors;
    }

    static HandshakePolicy policy(PolicyFactory factory, String settings) {
        List<FieldError> errors = new ArrayList<>();
        HandshakePolicy policy = factory.create(new JsonFields(json(settings), "policies[0].", errors));
        assertEquals(List.of(), errors);
        return policy;
    }

    static void assertRejected(HandshakeDecision decision, int status, String detail) {
        assertEquals(status, decision.status(), () -> "status, decision " + decision);
        assertEquals(detail, decision.detail());
    }

    /** A request being built: headers, query, addresses, time. */
    static final class Request {
        private Route route = PolicyTestSupport.route("chat");
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private String query;
        private String remote = "192.0.2.1";
        private String client;
        private boolean secure;
        private Instant now = NOW;

        Request route(Route r) {
            route = r;
            return this;
        }

        Request header(String name, String... values) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(List.of(values));
            return this;
        }

        Request query(String rawQuery) {
            query = rawQuery;
            return this;
        }

        Request remote(String address) {
            remote = address;
            return this;
        }

        Request client(String address) {
            client = address;
            return this;
        }

        Request secure() {
            secure = true;
            return this;
        }

        Request at(Instant instant) {
            now = instant;
            return this;
        }

        HandshakeContext context() {
            return new HandshakeContext(route, headers, query, List.of(), remote, client != null ? client : remote,
                    secure, now);
        }
    }

    static Request request() {
        return new Request();
    }
}
