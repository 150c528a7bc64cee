package dev.wsgateway.policy.message;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The known message policy types, and each route's effective chains, one per flow. An entry is
 * {@code {"type": ..., "direction": "clientToBackend" | "backendToClient" | "both", ...settings}}; the catalog
 * owns {@code type}, {@code enabled} and {@code direction} (required, except in an entry that turns a type off),
 * the type's factory reads the rest. A type may be listed twice when the directions do not overlap (a different
 * setting each way).
 *
 * <p>The gateway-wide entries (MicroProfile Config {@code gateway.message-policies}) run first, in their order;
 * on each flow a route's entry of the same type takes a gateway-wide entry's place (and
 * {@code "enabled": false} removes it there); the route's other entries follow in the route's order. Chains
 * are built once per route version.
 */
public final class MessagePolicyCatalog {
    private static final Set<String> CATALOG_FIELDS = Set.of("type", "enabled", "direction");
    static final String DIRECTIONS = "clientToBackend, backendToClient or both";

    private final Map<String, MessagePolicyFactory> factories;
    private final List<JsonObject> globalEntries;
    private final VerdictCounters counters;
    private final Map<String, Compiled> chains = new ConcurrentHashMap<>();

    private record Compiled(long version, MessageChains chains) {
    }

    /** An entry as the catalog reads it: its type, whether it is on, and the flows it names. */
    private record Entry(String type, boolean enabled, Set<Flow> flows, JsonObject json) {
    }

    /**
     * @param globalEntries the gateway-wide entries; rejected with {@link IllegalArgumentException} when any is
     *                      invalid, so a bad configuration fails the start instead of a session
     * @param counters      where verdicts are counted
     */
    public MessagePolicyCatalog(List<MessagePolicyFactory> factories, List<JsonObject> globalEntries,
                                VerdictCounters counters) {
        this.factories = factories.stream().collect(Collectors.toMap(MessagePolicyFactory::type, f -> f, (a, b) -> {
            throw new IllegalStateException("two message policy factories for type " + a.type());
        }, LinkedHashMap::new));
        this.counters = counters;
        List<FieldError> problems = problems(globalEntries, "gateway.message-policies");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid gateway.message-policies: " + problems.stream()
                    .map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
        }
        this.globalEntries = List.copyOf(globalEntries);
    }

    /** A catalog without types or gateway-wide entries: every chain is empty. */
    public static MessagePolicyCatalog none() {
        return new MessagePolicyCatalog(List.of(), List.of(), VerdictCounters.NONE);
    }

    public Set<String> types() {
        return factories.keySet();
    }

    /** Every problem with a route's {@code messagePolicies}, with field names like {@code messagePolicies[1].maxBytes}. */
    public List<FieldError> problems(List<JsonObject> entries) {
        return problems(entries, "messagePolicies");
    }

    private List<FieldError> problems(List<JsonObject> entries, String field) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Map<Flow, Integer>> taken = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String prefix = field + "[" + i + "].";
            JsonObject entry = entries.get(i);
            String type = type(entry);
            if (type == null || !factories.containsKey(type)) {
                errors.add(new FieldError(prefix + "type", factories.isEmpty() ? "no message policy types are installed"
                        : "must be one of " + String.join(", ", factories.keySet())));
                continue;
            }
            JsonFields catalogFields = new JsonFields(entry, prefix, errors);
            boolean enabled = !Boolean.FALSE.equals(catalogFields.bool("enabled"));
            if (enabled && !catalogFields.has("direction")) {
                catalogFields.error("direction", "is required: " + DIRECTIONS);
                continue;
            }
            String direction = catalogFields.string("direction", false);
            if (direction == null && catalogFields.has("direction")) {
                continue; // not a string: reported
            }
            Set<Flow> flows = direction == null ? EnumSet.allOf(Flow.class) : Flow.parse(direction);
            if (flows == null) {
                if (direction != null) {
                    catalogFields.error("direction", "must be " + DIRECTIONS);
                }
                continue;
            }
            Map<Flow, Integer> typeFlows = taken.computeIfAbsent(type, t -> new EnumMap<>(Flow.class));
            Flow overlap = flows.stream().filter(typeFlows::containsKey).findFirst().orElse(null);
            if (overlap != null) {
                catalogFields.error("direction", "'" + type + "' already runs " + overlap.label() + " (" + field + "["
                        + typeFlows.get(overlap) + "]); list a type twice only for different directions");
                continue;
            }
            for (Flow flow : flows) {
                typeFlows.put(flow, i);
            }
            if (enabled) {
                // an entry that turns a type off is never built, so its settings are not checked
                factories.get(type).create(Set.copyOf(flows), new JsonFields(settingsOf(entry), prefix, errors));
            }
        }
        return errors;
    }

    /** The route's chains, built when the route (or its version) is first seen. */
    public MessageChains chainsFor(Route route) {
        Compiled compiled = chains.get(route.id());
        if (compiled == null || compiled.version() != route.version()) {
            compiled = new Compiled(route.version(), build(route.id(), route.messagePolicies()));
            chains.put(route.id(), compiled);
        }
        return compiled.chains();
    }

    /** Forgets the chains of routes that are gone. */
    public void retain(Set<String> routeIds) {
        chains.keySet().retainAll(routeIds);
    }

    MessageChains build(String routeId, List<JsonObject> routeJson) {
        if (globalEntries.isEmpty() && routeJson.isEmpty()) {
            return MessageChains.NONE;
        }
        List<Entry> global = globalEntries.stream().map(MessagePolicyCatalog::entry).toList();
        List<Entry> own = routeJson.stream().map(MessagePolicyCatalog::entry).toList();
        Map<Entry, MessagePolicy> built = new IdentityHashMap<>();
        for (Entry g : global) {
            Set<Flow> left = EnumSet.noneOf(Flow.class);
            g.flows().stream().filter(flow -> replacement(own, g.type(), flow) == null).forEach(left::add);
            if (g.enabled() && !left.isEmpty()) {
                built.put(g, create(g.type(), left, g.json()));
            }
        }
        for (Entry r : own) {
            if (r.enabled()) {
                built.put(r, create(r.type(), r.flows(), r.json()));
            }
        }
        Map<Flow, MessageChain> chains = new EnumMap<>(Flow.class);
        for (Flow flow : Flow.values()) {
            List<MessagePolicy> policies = new ArrayList<>();
            Set<Entry> placed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Entry g : global) {
                if (!g.flows().contains(flow)) {
                    continue;
                }
                Entry r = replacement(own, g.type(), flow);
                Entry effective = r != null ? r : g;
                if (r != null) {
                    placed.add(r);
                }
                if (effective.enabled()) {
                    policies.add(built.get(effective));
                }
            }
            for (Entry r : own) {
                if (r.enabled() && r.flows().contains(flow) && !placed.contains(r)) {
                    policies.add(built.get(r));
                }
            }
            chains.put(flow, new MessageChain(flow, policies, routeId, counters));
        }
        return new MessageChains(chains);
    }

    /** The route's entry of this type that covers this flow, or null. */
    private static Entry replacement(List<Entry> own, String type, Flow flow) {
        for (Entry r : own) {
            if (r.type().equals(type) && r.flows().contains(flow)) {
                return r;
            }
        }
        return null;
    }

    private MessagePolicy create(String type, Set<Flow> flows, JsonObject entry) {
        MessagePolicyFactory factory = factories.get(type);
        if (factory == null) { // a route stored before its type's factory was removed, or imported unchecked
            throw new IllegalStateException("unknown message policy type " + type);
        }
        List<FieldError> errors = new ArrayList<>();
        MessagePolicy policy = factory.create(Set.copyOf(flows),
                new JsonFields(settingsOf(entry), type + ".", errors));
        if (!errors.isEmpty()) {
            // Entries are validated when a route is written; settings that stopped being valid since (a changed
            // default) refuse the route's handshakes instead of running a half policy.
            throw new IllegalStateException("the " + type + " message policy's settings are no longer valid: " + errors);
        }
        return policy;
    }

    /** A validated entry as the catalog reads it ({@code direction} defaults to both only where it is optional). */
    private static Entry entry(JsonObject json) {
        boolean enabled = json.get("enabled") != JsonValue.FALSE;
        Set<Flow> flows = json.get("direction") instanceof JsonString s ? Flow.parse(s.getString())
                : EnumSet.allOf(Flow.class);
        if (type(json) == null || flows == null) {
            throw new IllegalStateException("invalid message policy entry " + json);
        }
        return new Entry(type(json), enabled, flows, json);
    }

    private static String type(JsonObject entry) {
        return entry.get("type") instanceof JsonString s ? s.getString() : null;
    }

    /** The entry without the catalog's own fields: what the factory reads. */
    private static JsonObject settingsOf(JsonObject entry) {
        JsonObjectBuilder builder = JSON.createObjectBuilder(entry);
        CATALOG_FIELDS.forEach(builder::remove);
        return builder.build();
    }
}
