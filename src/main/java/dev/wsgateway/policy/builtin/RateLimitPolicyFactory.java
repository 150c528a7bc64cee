package dev.wsgateway.policy.builtin;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.RateLimitPolicy.Limit;
import dev.wsgateway.policy.builtin.RateLimitPolicy.Per;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyFactory;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code {"type": "rateLimit", "route": [{"limit": 100, "per": "second"}], "identity": [{"limit": 1000, "per": "day"}],
 * "maxConnections": 500, "maxConnectionsPerIdentity": 5}}: every part optional, at least one needed; {@code per}
 * is second, minute, hour or day, each at most once per list; limits 1 to 10^9, caps at least 1.
 *
 * <p>One instance per application: it owns the buckets and connection counters every {@link RateLimitPolicy}
 * it builds uses, so limits and open-connection counts carry over when a route's chain is rebuilt. Setting:
 * {@code gateway.rate-limit.max-tracked-identities} (default 100000), see {@link RateLimitPolicy}.
 */
@ApplicationScoped
public class RateLimitPolicyFactory implements PolicyFactory {
    static final String MAX_TRACKED_IDENTITIES = "gateway.rate-limit.max-tracked-identities";
    static final int DEFAULT_MAX_TRACKED_IDENTITIES = 100_000;
    static final long MAX_LIMIT = 1_000_000_000L;
    private static final Set<String> FIELDS = Set.of("route", "identity", "maxConnections", "maxConnectionsPerIdentity");
    private static final Set<String> LIMIT_FIELDS = Set.of("limit", "per");

    private final BucketStore buckets;
    private final ConnectionCaps connections;

    /** For CDI's client proxy only. */
    protected RateLimitPolicyFactory() {
        this.buckets = null;
        this.connections = null;
    }

    /** With the state the application chose: this instance's memory, or the cluster's database. */
    @Inject
    public RateLimitPolicyFactory(RateLimitStores stores) {
        this(stores.buckets(), stores.connections());
    }

    /** With state in this instance's memory. */
    public RateLimitPolicyFactory(GatewayDefaults defaults) {
        this(RateLimitStores.local(defaults));
    }

    /** With the given state: another {@link BucketStore} (a shared one), or a test clock. */
    public RateLimitPolicyFactory(BucketStore buckets, ConnectionCaps connections) {
        this.buckets = buckets;
        this.connections = connections;
    }

    @Override
    public String type() {
        return "rateLimit";
    }

    @Override
    public HandshakePolicy create(JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        List<Limit> route = limits(settings, "route");
        List<Limit> identity = limits(settings, "identity");
        Integer maxConnections = settings.integer("maxConnections", 1, Integer.MAX_VALUE);
        Integer maxConnectionsPerIdentity = settings.integer("maxConnectionsPerIdentity", 1, Integer.MAX_VALUE);
        if (FIELDS.stream().noneMatch(settings::has)) {
            settings.error("route", "a rateLimit entry needs at least one of route, identity, maxConnections, "
                    + "maxConnectionsPerIdentity");
        }
        return new RateLimitPolicy(route, identity, maxConnections, maxConnectionsPerIdentity, buckets, connections);
    }

    /** A list of limits, reported field by field ({@code route[1].per}); empty when absent or wrong. */
    private static List<Limit> limits(JsonFields settings, String name) {
        if (!settings.has(name)) {
            return List.of();
        }
        if (!(settings.json().get(name) instanceof JsonArray array)) {
            settings.error(name, "must be an array of {\"limit\": n, \"per\": \"second|minute|hour|day\"}");
            return List.of();
        }
        if (array.isEmpty()) {
            settings.error(name, "must list at least one limit (leave it out for none)");
            return List.of();
        }
        List<Limit> limits = new ArrayList<>();
        Set<Per> seen = EnumSet.noneOf(Per.class);
        for (int i = 0; i < array.size(); i++) {
            String entryName = name + "[" + i + "]";
            JsonValue value = array.get(i);
            if (!(value instanceof JsonObject entry)) {
                settings.error(entryName, "must be an object {\"limit\": n, \"per\": \"second|minute|hour|day\"}");
                continue;
            }
            List<FieldError> problems = new ArrayList<>();
            JsonFields fields = new JsonFields(entry, entryName + ".", problems);
            fields.rejectUnknown(LIMIT_FIELDS);
            Long limit = fields.longValue("limit", 1, MAX_LIMIT);
            if (limit == null && !fields.has("limit")) {
                fields.error("limit", "is required");
            }
            String perName = fields.string("per", true);
            Per per = perName == null ? null : Per.of(perName);
            if (perName != null && per == null) {
                fields.error("per", "must be one of second, minute, hour, day");
            }
            if (per != null && !seen.add(per)) {
                fields.error("per", "'" + per.label() + "' is listed twice in " + name);
            }
            problems.forEach(p -> settings.error(p.field(), p.message()));
            if (problems.isEmpty()) {
                limits.add(new Limit(limit, per));
            }
        }
        return limits;
    }
}
