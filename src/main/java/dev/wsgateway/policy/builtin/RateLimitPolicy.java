package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.store.StoreUnavailableException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Connection limits for one route: how many handshakes (new connections) per second, minute, hour or day,
 * for the route as a whole and for each client identity on it ({@link dev.wsgateway.policy.Credentials#identity}:
 * API key, else principal, else client address, so it runs after the credential policies); and how many
 * sessions may be open at once, on the route and per identity.
 *
 * <ul>
 * <li>A rate exceeded: 429 with {@code Retry-After} in whole seconds (at least 1) until the bucket holds a
 * token again. Second, minute and hour limits refill greedily (a limit of 60 per minute gives a token back
 * every second); a day limit is a quota that refills whole a day after its window started.</li>
 * <li>A rejected handshake takes no token: the identity bucket is checked first, and its token given back
 * when the route bucket or a connection cap then refuses.</li>
 * <li>{@code maxConnectionsPerIdentity} reached: 429, {@code maxConnections} reached: 503, both with
 * {@code Retry-After: 1}. The slots are taken in {@link #check} and given back, once, by the session-end
 * actions registered on the context.</li>
 * </ul>
 *
 * <p>State lives in the {@link BucketStore} and {@link ConnectionCaps} the factory owns, so it outlives
 * a policy rebuilt for a new route version. Buckets are keyed by route, identity and the limits, so a changed
 * limit starts fresh; connection counts by route and identity only.
 *
 * <p><b>More identities than the store tracks</b> ({@code gateway.rate-limit.max-tracked-identities}, see
 * {@link LocalBucketStore}): a client whose identity has no bucket yet then shares one bucket, with the
 * per-identity limits, with every other such client on the route. This fails safe: the limits keep holding
 * (for those clients together, so more strictly), memory stays bounded, clients already tracked and the
 * route-wide limits are unaffected. A warning is logged; raise the setting if it shows under normal load.
 * The per-identity connection cap keeps counting each identity on its own (its counters only exist while
 * sessions are open).
 */
public final class RateLimitPolicy implements HandshakePolicy {

    /** The period of a rate limit. */
    public enum Per {
        SECOND(Duration.ofSeconds(1)), MINUTE(Duration.ofMinutes(1)), HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

        final Duration period;

        Per(Duration period) {
            this.period = period;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The period called {@code label}, or null. */
        public static Per of(String label) {
            for (Per p : values()) {
                if (p.label().equals(label)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** At most {@code limit} handshakes per {@code per}. */
    public record Limit(long limit, Per per) {
        Bandwidth bandwidth() {
            return per == Per.DAY
                    ? Bandwidth.builder().capacity(limit).refillIntervally(limit, per.period).build()
                    : Bandwidth.builder().capacity(limit).refillGreedy(limit, per.period).build();
        }

        @Override
        public String toString() {
            return limit + "/" + per.label();
        }
    }

    /** The limits of one scope (route or identity), shortest period first, with their bucket shape. */
    private record Limits(List<Limit> limits, String canonical, BucketConfiguration configuration) {
        static Limits of(List<Limit> limits) {
            List<Limit> sorted = limits.stream().sorted(Comparator.comparing(Limit::per)).toList();
            BucketConfiguration configuration = sorted.isEmpty() ? null
                    : new BucketConfiguration(sorted.stream().map(Limit::bandwidth).toList());
            return new Limits(sorted, sorted.stream().map(Limit::toString).collect(Collectors.joining(",")),
                    configuration);
        }

        boolean isEmpty() {
            return limits.isEmpty();
        }

        Supplier<BucketConfiguration> supplier() {
            return () -> configuration;
        }
    }

    private final Limits routeLimits;
    private final Limits identityLimits;
    private final Integer maxConnections;
    private final Integer maxConnectionsPerIdentity;
    private final BucketStore buckets;
    private final ConnectionCaps connections;

    RateLimitPolicy(List<Limit> routeLimits, List<Limit> identityLimits, Integer maxConnections,
                    Integer maxConnectionsPerIdentity, BucketStore buckets, ConnectionCaps connections) {
        this.routeLimits = Limits.of(routeLimits);
        this.identityLimits = Limits.of(identityLimits);
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIdentity = maxConnectionsPerIdentity;
        this.buckets = buckets;
        this.connections = connections;
    }

    @Override
    public String type() {
        return "rateLimit";
    }

    @Override
    public int order() {
        return PolicyOrder.RATE_LIMIT;
    }

    /**
     * Decides with the shared store when there is one; a store that cannot be reached refuses with 503 and
     * {@code Retry-After} (fail closed: a limit that cannot be counted is not waived).
     */
    @Override
    public HandshakeDecision check(HandshakeContext context) {
        try {
            return decide(context);
        } catch (RuntimeException e) {
            StoreUnavailableException unavailable = e instanceof StoreUnavailableException u ? u : buckets.failure(e);
            if (unavailable == null) {
                throw e;
            }
            return HandshakeDecision.reject(503, "rate limits cannot be checked right now")
                    .withHeader("Retry-After", Integer.toString(StoreUnavailableException.RETRY_AFTER_SECONDS));
        }
    }

    private HandshakeDecision decide(HandshakeContext context) {
        String routeId = context.route().id();
        String identity = context.credentials().identity(context.clientAddress());

        Bucket identityBucket = null;
        if (!identityLimits.isEmpty()) {
            identityBucket = buckets.bucket(new BucketKey(routeId, identity, identityLimits.canonical()),
                    identityLimits.supplier());
            if (identityBucket == null) {
                identityBucket = buckets.bucket(new BucketKey(routeId, BucketKey.UNTRACKED, identityLimits.canonical()),
                        identityLimits.supplier());
            }
            HandshakeDecision refusal = take(identityBucket, identityLimits, "this client");
            if (refusal != null) {
                return refusal;
            }
        }
        Bucket routeBucket = null;
        if (!routeLimits.isEmpty()) {
            routeBucket = buckets.bucket(new BucketKey(routeId, null, routeLimits.canonical()), routeLimits.supplier());
            HandshakeDecision refusal = take(routeBucket, routeLimits, "this route");
            if (refusal != null) {
                giveBack(identityBucket);
                return refusal;
            }
        }
        ConnectionCaps.Slot identitySlot = null;
        if (maxConnectionsPerIdentity != null) {
            identitySlot = connections.tryAcquire(routeId, identity, maxConnectionsPerIdentity);
            if (identitySlot == null) {
                giveBack(identityBucket);
                giveBack(routeBucket);
                return HandshakeDecision.reject(429, "too many open connections for this client")
                        .withHeader("Retry-After", "1");
            }
        }
        ConnectionCaps.Slot routeSlot = null;
        if (maxConnections != null) {
            try {
                routeSlot = connections.tryAcquire(routeId, null, maxConnections);
            } catch (StoreUnavailableException e) {
                if (identitySlot != null) {
                    identitySlot.release();
                }
                throw e;
            }
            if (routeSlot == null) {
                if (identitySlot != null) {
                    identitySlot.release();
                }
                giveBack(identityBucket);
                giveBack(routeBucket);
                return HandshakeDecision.reject(503, "too many open connections on this route")
                        .withHeader("Retry-After", "1");
            }
        }
        if (identitySlot != null) {
            context.onSessionEnd(identitySlot::release);
        }
        if (routeSlot != null) {
            context.onSessionEnd(routeSlot::release);
        }
        return HandshakeDecision.permit();
    }

    /** Takes a token, or says why not. */
    private static HandshakeDecision take(Bucket bucket, Limits limits, String whose) {
        VerboseResult<ConsumptionProbe> result = bucket.asVerbose().tryConsumeAndReturnRemaining(1);
        ConsumptionProbe probe = result.getValue();
        if (probe.isConsumed()) {
            return null;
        }
        // The exhausted limit with the longest period is the one the client waits for.
        long[] tokens = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
        Limit exceeded = limits.limits().get(limits.limits().size() - 1);
        for (int i = limits.limits().size() - 1; i >= 0; i--) {
            if (tokens[i] < 1) {
                exceeded = limits.limits().get(i);
                break;
            }
        }
        String detail = exceeded.per() == Per.DAY ? "daily connection quota used up for " + whose
                : "too many connections per " + exceeded.per().label() + " for " + whose;
        return HandshakeDecision.reject(429, detail)
                .withHeader("Retry-After", Long.toString(retryAfterSeconds(probe.getNanosToWaitForRefill())));
    }

    static long retryAfterSeconds(long nanos) {
        long seconds = nanos / 1_000_000_000L + (nanos % 1_000_000_000L > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static void giveBack(Bucket bucket) {
        if (bucket != null) {
            bucket.addTokens(1);
        }
    }

    @Override
    public JsonObject describe() {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("route", describe(routeLimits))
                .add("identity", describe(identityLimits));
        if (maxConnections != null) {
            json.add("maxConnections", maxConnections);
        } else {
            json.addNull("maxConnections");
        }
        if (maxConnectionsPerIdentity != null) {
            json.add("maxConnectionsPerIdentity", maxConnectionsPerIdentity);
        } else {
            json.addNull("maxConnectionsPerIdentity");
        }
        return json.build();
    }

    private static JsonArrayBuilder describe(Limits limits) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (Limit limit : limits.limits()) {
            array.add(JSON.createObjectBuilder().add("limit", limit.limit()).add("per", limit.per().label())
                    .add("refill", limit.per() == Per.DAY ? "interval" : "greedy"));
        }
        return array;
    }
}
