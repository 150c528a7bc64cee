package dev.wsgateway.policy.handshake;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The known policy types, and each route's effective chain: the gateway-wide entries (MicroProfile Config
 * {@code gateway.policies}), each replaced by the route's own entry of the same type, minus entries with
 * {@code "enabled": false}, plus the policies every chain has (the headers policy, with its defaults, when
 * neither names it, or it is named with {@code "enabled": false}). Chains are built once per route version.
 */
public final class PolicyCatalog {
    /** Policy types every chain has, built with default settings when not named. */
    static final List<String> ALWAYS = List.of("headers");
    private static final Set<String> CATALOG_FIELDS = Set.of("type", "enabled");

    private final Map<String, PolicyFactory> factories;
    private final List<JsonObject> globalEntries;
    private final Map<String, Compiled> chains = new ConcurrentHashMap<>();

    private record Compiled(long version, PolicyChain chain) {
    }

    /**
     * @param globalEntries the gateway-wide entries; rejected with {@link IllegalArgumentException} when
     *                      any is invalid, so a bad configuration fails the start instead of a handshake
     */
    public PolicyCatalog(List<PolicyFactory> factories, List<JsonObject> globalEntries) {
        this.factories = factories.stream().collect(Collectors.toMap(PolicyFactory::type, f -> f, (a, b) -> {
            throw new IllegalStateException("two policy factories for type " + a.type());
        }, LinkedHashMap::new));
        for (String type : ALWAYS) {
            if (!this.factories.containsKey(type)) {
                throw new IllegalStateException("no factory for the policy every chain has: " + type);
            }
        }
        List<FieldError> problems = problems(globalEntries, "gateway.policies");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway.policies: " + problems.stream()
                    .map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
        }
        this.globalEntries = List.copyOf(globalEntries);
    }

    public Set<String> types() {
        return factories.keySet();
    }

    /** Every problem with a route's entries: unknown or repeated types, bad settings. */
    public List<FieldError> problems(List<JsonObject> entries) {
        return problems(entries, "policies");
    }

    private List<FieldError> problems(List<JsonObject> entries, String field) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String prefix = field + "[" + i + "].";
            JsonObject entry = entries.get(i);
            String type = type(entry);
            if (type == null || !factories.containsKey(type)) {
                errors.add(new FieldError(prefix + "type", "must be one of " + String.join(", ", factories.keySet())));
                continue;
            }
            if (!seen.add(type)) {
                errors.add(new FieldError(prefix + "type", "'" + type + "' is listed twice"));
                continue;
            }
            JsonFields catalogFields = new JsonFields(entry, prefix, errors);
            if (Boolean.FALSE.equals(catalogFields.bool("enabled"))) {
                continue; // turns the type off: never built, so no settings to check ({"type": "ip", "enabled": false})
            }
            factories.get(type).create(new JsonFields(settingsOf(entry), prefix, errors));
        }
        return errors;
    }

    /** The route's chain, built when the route (or its version) is first seen. */
    public PolicyChain chainFor(Route route) {
        Compiled compiled = chains.get(route.id());
        if (compiled == null || compiled.version() != route.version()) {
            compiled = new Compiled(route.version(), build(route.policies()));
            chains.put(route.id(), compiled);
        }
        return compiled.chain();
    }

    /** Forgets the chains of routes that are gone. */
    public void retain(Set<String> routeIds) {
        chains.keySet().retainAll(routeIds);
    }

    PolicyChain build(List<JsonObject> routeEntries) {
        Map<String, JsonObject> effective = new LinkedHashMap<>();
        for (JsonObject entry : globalEntries) {
            effective.put(type(entry), entry);
        }
        for (JsonObject entry : routeEntries) {
            effective.put(type(entry), entry);
        }
        List<HandshakePolicy> policies = new ArrayList<>();
        Set<String> built = new HashSet<>();
        for (JsonObject entry : effective.values()) {
            if (entry.get("enabled") != JsonValue.FALSE) {
                policies.add(create(type(entry), settingsOf(entry)));
                built.add(type(entry));
            }
        }
        for (String type : ALWAYS) {
            if (!built.contains(type)) { // not named, or named with "enabled": false: still in every chain
                policies.add(create(type, JsonValue.EMPTY_JSON_OBJECT));
            }
        }
        return new PolicyChain(policies);
    }

    private HandshakePolicy create(String type, JsonObject settings) {
        List<FieldError> errors = new ArrayList<>();
        HandshakePolicy policy = factories.get(type).create(new JsonFields(settings, type + ".", errors));
        if (!errors.isEmpty()) {
            // Entries are validated when a route is written; settings that stopped being valid since (a
            // changed default, a JWKS file removed) refuse the route's handshakes instead of running a half policy.
            throw new IllegalStateException("the " + type + " policy's settings are no longer valid: " + errors);
        }
        return policy;
    }

    private static String type(JsonObject entry) {
        return entry.get("type") instanceof JsonString s ? s.getString() : null;
    }

    /** The entry without the catalog's own fields: what the factory reads. */
    private static JsonObject settingsOf(JsonObject entry) {
        var builder = jakarta.json.Json.createObjectBuilder(entry);
        CATALOG_FIELDS.forEach(builder::remove);
        return builder.build();
    }
}
