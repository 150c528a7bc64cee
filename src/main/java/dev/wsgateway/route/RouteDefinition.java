package dev.wsgateway.route;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.upstream.transport.BackendTls;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A route as an administrator writes it: validated, with optional settings left null so that
 * the gateway-wide defaults apply. {@link #compile} turns it into the {@link Route} the edge uses.
 */
public record RouteDefinition(
        String id,
        String path,
        URI backend,
        List<String> subprotocols,
        Integer connectTimeoutMillis,
        Integer idleTimeoutSeconds,
        Integer maxMessageBytes,
        Integer maxInFlightBytes,
        Integer pingIntervalSeconds,
        boolean enabled,
        String description,
        List<JsonObject> policies,
        List<JsonObject> messagePolicies,
        Integer maxBufferedMessageBytes,
        Integer maxSessionSeconds,
        BackendTrust backendTls) {

    public static final int MAX_CONNECT_TIMEOUT_MILLIS = 120_000;
    public static final int MAX_IDLE_TIMEOUT_SECONDS = 7 * 24 * 3600;
    public static final int MAX_MESSAGE_BYTES = 1 << 30;
    /** The in-flight budget's bounds: below a few KiB every frame pauses its sender; above, memory per session grows. */
    public static final int MIN_IN_FLIGHT_BYTES = 1024;
    public static final int MAX_IN_FLIGHT_BYTES = 64 << 20;
    public static final int MAX_PING_INTERVAL_SECONDS = 3600;
    public static final int MAX_DESCRIPTION = 500;
    /** 30 days: longer-lived sessions can leave maxSessionSeconds at 0 (unlimited). */
    public static final int MAX_SESSION_SECONDS = 30 * 24 * 3600;
    /** The assembly limit's upper bound: a direction may hold this much of one message for whole-message policies. */
    public static final int MAX_BUFFERED_MESSAGE_BYTES = 64 << 20;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    // RFC 7230 token characters, which is what Sec-WebSocket-Protocol entries are made of.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Fields a client may send; "version" is output-only but accepted so a GET body can be PUT back. */
    private static final Set<String> KNOWN_FIELDS = Set.of("id", "path", "backend", "subprotocols",
            "connectTimeoutMillis", "idleTimeoutSeconds", "maxMessageBytes", "maxInFlightBytes", "pingIntervalSeconds", "enabled", "description", "policies", "version",
            "messagePolicies", "maxBufferedMessageBytes", "maxSessionSeconds", BackendTrust.FIELD);

    public RouteDefinition {
        subprotocols = List.copyOf(subprotocols);
        policies = List.copyOf(policies);
        messagePolicies = List.copyOf(messagePolicies);
    }

    /** A definition whose {@code wss://} backend has the gateway-wide trust (null: none of its own). */
    public RouteDefinition(String id, String path, URI backend, List<String> subprotocols, Integer connectTimeoutMillis,
                           Integer idleTimeoutSeconds, Integer maxMessageBytes, Integer maxInFlightBytes,
                           Integer pingIntervalSeconds, boolean enabled, String description, List<JsonObject> policies,
                           List<JsonObject> messagePolicies, Integer maxBufferedMessageBytes, Integer maxSessionSeconds) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, description, policies, messagePolicies,
                maxBufferedMessageBytes, maxSessionSeconds, null);
    }

    /** A definition that leaves the maximum session age to the gateway's default. */
    public RouteDefinition(String id, String path, URI backend, List<String> subprotocols, Integer connectTimeoutMillis,
                           Integer idleTimeoutSeconds, Integer maxMessageBytes, Integer maxInFlightBytes,
                           Integer pingIntervalSeconds, boolean enabled, String description, List<JsonObject> policies,
                           List<JsonObject> messagePolicies, Integer maxBufferedMessageBytes) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, description, policies, messagePolicies,
                maxBufferedMessageBytes, null);
    }

    /** A definition without message policies. */
    public RouteDefinition(String id, String path, URI backend, List<String> subprotocols, Integer connectTimeoutMillis,
                           Integer idleTimeoutSeconds, Integer maxMessageBytes, Integer maxInFlightBytes,
                           Integer pingIntervalSeconds, boolean enabled, String description, List<JsonObject> policies) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes,
                maxInFlightBytes, pingIntervalSeconds, enabled, description, policies, List.of(), null);
    }

    /** A definition that leaves the in-flight budget to the gateway's default. */
    public RouteDefinition(String id, String path, URI backend, List<String> subprotocols, Integer connectTimeoutMillis,
                           Integer idleTimeoutSeconds, Integer maxMessageBytes, Integer pingIntervalSeconds,
                           boolean enabled, String description, List<JsonObject> policies) {
        this(id, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds, maxMessageBytes, null,
                pingIntervalSeconds, enabled, description, policies);
    }

    /** Checks a route's "policies" array beyond its shape: each entry's type and settings. */
    @FunctionalInterface
    public interface PolicyCheck {
        PolicyCheck NONE = policies -> List.of();

        /** Every problem, with field names like {@code policies[1].issuer}. */
        List<FieldError> problems(List<JsonObject> policies);
    }

    public static RouteDefinition fromJson(JsonObject json) {
        return fromJson(json, PolicyCheck.NONE, PolicyCheck.NONE);
    }

    public static RouteDefinition fromJson(JsonObject json, PolicyCheck policyCheck) {
        return fromJson(json, policyCheck, PolicyCheck.NONE);
    }

    /**
     * Parses and validates, policies with {@code policyCheck} and message policies with {@code messagePolicyCheck}
     * (field names like {@code messagePolicies[0].maxBytes}); every problem found is reported at once.
     */
    public static RouteDefinition fromJson(JsonObject json, PolicyCheck policyCheck, PolicyCheck messagePolicyCheck) {
        JsonFields f = new JsonFields(json, "");
        for (String name : json.keySet()) {
            if (!KNOWN_FIELDS.contains(name)) {
                f.error(name, "unknown field");
            }
        }
        String id = f.string("id", true);
        if (id != null && !ID.matcher(id).matches()) {
            f.error("id", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String path = f.string("path", true);
        if (path != null) {
            String problem = RoutePaths.problem(path);
            if (problem != null) {
                f.error("path", problem);
            }
        }
        URI backend = backendUri(f, f.string("backend", true));
        List<String> subprotocols = subprotocols(f);
        Integer connect = f.integer("connectTimeoutMillis", 1, MAX_CONNECT_TIMEOUT_MILLIS);
        Integer idle = f.integer("idleTimeoutSeconds", 0, MAX_IDLE_TIMEOUT_SECONDS);
        Integer maxBytes = f.integer("maxMessageBytes", 1, MAX_MESSAGE_BYTES);
        Integer inFlight = f.integer("maxInFlightBytes", MIN_IN_FLIGHT_BYTES, MAX_IN_FLIGHT_BYTES);
        Integer ping = f.integer("pingIntervalSeconds", 0, MAX_PING_INTERVAL_SECONDS);
        Boolean enabled = f.bool("enabled");
        String description = f.string("description", false);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            f.error("description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
        List<JsonObject> policies = policies(f, "policies");
        if (policies != null) {
            f.errors().addAll(policyCheck.problems(policies));
        }
        List<JsonObject> messagePolicies = policies(f, "messagePolicies");
        if (messagePolicies != null) {
            f.errors().addAll(messagePolicyCheck.problems(messagePolicies));
        }
        Integer buffered = f.integer("maxBufferedMessageBytes", 1, MAX_BUFFERED_MESSAGE_BYTES);
        Integer maxAge = f.integer("maxSessionSeconds", 0, MAX_SESSION_SECONDS);
        BackendTrust backendTls = BackendTrust.read(f, backend);
        if (!f.errors().isEmpty()) {
            throw new InvalidRouteException(f.errors());
        }
        return new RouteDefinition(id, path, backend, subprotocols, connect, idle, maxBytes, inFlight, ping,
                enabled == null || enabled, description, policies == null ? List.of() : policies,
                messagePolicies == null ? List.of() : messagePolicies, buffered, maxAge, backendTls);
    }

    private static URI backendUri(JsonFields f, String text) {
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            f.error("backend", "is not a valid URI");
            return null;
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
            f.error("backend", "must be a ws:// or wss:// URI");
        } else if (uri.getHost() == null) {
            f.error("backend", "must name a host");
        } else if (uri.getRawUserInfo() != null) {
            f.error("backend", "must not carry credentials");
        } else if (uri.getRawFragment() != null) {
            f.error("backend", "must not have a fragment");
        } else {
            return uri;
        }
        return null;
    }

    private static List<String> subprotocols(JsonFields f) {
        JsonValue value = f.json().get("subprotocols");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            f.error("subprotocols", "must be an array of strings");
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonValue entry : array) {
            if (!(entry instanceof JsonString s) || !TOKEN.matcher(s.getString()).matches()) {
                f.error("subprotocols", "each entry must be a subprotocol token (RFC 6455 section 4.1)");
                return List.of();
            }
            if (!seen.add(s.getString())) {
                f.error("subprotocols", "lists '" + s.getString() + "' twice");
                return List.of();
            }
        }
        return new ArrayList<>(seen);
    }

    /**
     * A policy array's entries ({@code policies} or {@code messagePolicies}), each an object naming its "type";
     * null when the array is malformed.
     */
    private static List<JsonObject> policies(JsonFields f, String field) {
        JsonValue value = f.json().get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            f.error(field, "must be an array of policy objects");
            return null;
        }
        List<JsonObject> policies = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject o) || !(o.get("type") instanceof JsonString)) {
                f.error(field + "[" + i + "]", "must be an object with a string \"type\"");
                return null;
            }
            policies.add(o);
        }
        return policies;
    }

    /**
     * The effective route: unset settings take the gateway-wide defaults; the route's own trust, if any, gets a
     * new TLS context.
     */
    public Route compile(long version, RouteDefaults defaults) {
        return compile(version, defaults, BackendTrust::tls);
    }

    /**
     * The effective route, its own trust's TLS context from {@code contexts} (so that one context, and its TLS
     * sessions, can outlive route versions that do not change the trust).
     */
    public Route compile(long version, RouteDefaults defaults, Function<BackendTrust, BackendTls> contexts) {
        return new Route(id, path, backend,
                subprotocols.isEmpty() ? defaults.subprotocols() : subprotocols,
                connectTimeoutMillis != null ? connectTimeoutMillis : defaults.connectTimeoutMillis(),
                idleTimeoutSeconds != null ? idleTimeoutSeconds : defaults.idleTimeoutSeconds(),
                maxMessageBytes != null ? maxMessageBytes : defaults.maxMessageBytes(),
                maxInFlightBytes != null ? maxInFlightBytes : defaults.maxInFlightBytes(),
                pingIntervalSeconds != null ? pingIntervalSeconds : defaults.pingIntervalSeconds(),
                enabled, policies, version, messagePolicies,
                maxBufferedMessageBytes != null ? maxBufferedMessageBytes : defaults.maxBufferedMessageBytes(),
                maxSessionSeconds != null ? maxSessionSeconds : defaults.maxSessionSeconds(),
                backendTls == null ? null : contexts.apply(backendTls));
    }

    public RouteDefinition withId(String newId) {
        return new RouteDefinition(newId, path, backend, subprotocols, connectTimeoutMillis, idleTimeoutSeconds,
                maxMessageBytes, maxInFlightBytes, pingIntervalSeconds, enabled, description, policies,
                messagePolicies, maxBufferedMessageBytes, maxSessionSeconds, backendTls);
    }

    public JsonObjectBuilder toJson() {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("id", id)
                .add("path", path)
                .add("backend", backend.toString())
                .add("subprotocols", JSON.createArrayBuilder(subprotocols));
        if (connectTimeoutMillis != null) {
            b.add("connectTimeoutMillis", connectTimeoutMillis);
        }
        if (idleTimeoutSeconds != null) {
            b.add("idleTimeoutSeconds", idleTimeoutSeconds);
        }
        if (maxMessageBytes != null) {
            b.add("maxMessageBytes", maxMessageBytes);
        }
        if (maxInFlightBytes != null) {
            b.add("maxInFlightBytes", maxInFlightBytes);
        }
        if (pingIntervalSeconds != null) {
            b.add("pingIntervalSeconds", pingIntervalSeconds);
        }
        b.add("enabled", enabled);
        if (description != null) {
            b.add("description", description);
        }
        if (!policies.isEmpty()) {
            b.add("policies", JSON.createArrayBuilder(policies));
        }
        if (!messagePolicies.isEmpty()) {
            b.add("messagePolicies", JSON.createArrayBuilder(messagePolicies));
        }
        if (maxBufferedMessageBytes != null) {
            b.add("maxBufferedMessageBytes", maxBufferedMessageBytes);
        }
        if (maxSessionSeconds != null) {
            b.add("maxSessionSeconds", maxSessionSeconds);
        }
        if (backendTls != null) {
            b.add(BackendTrust.FIELD, backendTls.toJson());
        }
        return b;
    }
}
