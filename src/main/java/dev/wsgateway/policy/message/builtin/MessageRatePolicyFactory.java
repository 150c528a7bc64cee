package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.BucketStore;
import dev.wsgateway.policy.builtin.LocalBucketStore;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.builtin.MessageRatePolicy.Action;
import dev.wsgateway.policy.message.builtin.MessageRatePolicy.Per;
import dev.wsgateway.policy.message.builtin.MessageRatePolicy.Rate;
import dev.wsgateway.route.JsonFields;
import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * {@code {"type": "messageRate", "direction": "clientToBackend", "messagesPerSecond": 50, "burst": 100,
 * "bytesPerSecond": 65536, "bytesBurst": 262144, "per": "session", "action": "drop"}}: see
 * {@link MessageRatePolicy}. At least one of {@code messagesPerSecond} and {@code bytesPerSecond} (each 1 to
 * 10^9, Bucket4j's fastest refill); {@code burst} (up to 10^9) and {@code bytesBurst} (up to 10^12) default to the
 * rate and need it; {@code per} is
 * {@code session} (default) or {@code identity}; {@code action} {@code drop} (default) or {@code close}.
 *
 * <p>One instance per application: it owns the per-identity buckets, so counts carry over when a route's
 * policies are rebuilt. They are kept in this instance's memory, capped like the handshake limits' by
 * {@code gateway.rate-limit.max-tracked-identities}, also in cluster mode: a database transaction for every
 * message would hold the relay far longer than the message takes, so per-identity message limits hold per
 * gateway instance.
 */
@ApplicationScoped
public class MessageRatePolicyFactory implements MessagePolicyFactory {
    /** Bucket4j refills at most one token a nanosecond. */
    static final long MAX_RATE = 1_000_000_000L;
    static final long MAX_BYTES_BURST = 1_000_000_000_000L;
    private static final Set<String> FIELDS = Set.of("messagesPerSecond", "burst", "bytesPerSecond", "bytesBurst",
            "per", "action");
    static final String MAX_TRACKED_IDENTITIES = "gateway.rate-limit.max-tracked-identities";
    static final int DEFAULT_MAX_TRACKED_IDENTITIES = 100_000;

    private final BucketStore identityBuckets;
    private final TimeMeter clock;

    /** For CDI's client proxy only. */
    protected MessageRatePolicyFactory() {
        this.identityBuckets = null;
        this.clock = null;
    }

    @Inject
    public MessageRatePolicyFactory(GatewayDefaults defaults) {
        this(new LocalBucketStore(defaults.integer(MAX_TRACKED_IDENTITIES, DEFAULT_MAX_TRACKED_IDENTITIES),
                TimeMeter.SYSTEM_NANOTIME), TimeMeter.SYSTEM_NANOTIME);
    }

    /** With the given identity buckets and the clock of the per-session ones (tests). */
    public MessageRatePolicyFactory(BucketStore identityBuckets, TimeMeter clock) {
        this.identityBuckets = identityBuckets;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "messageRate";
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        Rate messages = rate(settings, "messagesPerSecond", "burst", MAX_RATE);
        Rate bytes = rate(settings, "bytesPerSecond", "bytesBurst", MAX_BYTES_BURST);
        if (!settings.has("messagesPerSecond") && !settings.has("bytesPerSecond")) {
            settings.error("messagesPerSecond", "a messageRate entry needs messagesPerSecond, bytesPerSecond or both");
        }
        Per per = Choices.read(settings, "per", Per.SESSION);
        Action action = Choices.read(settings, "action", Action.DROP);
        return new MessageRatePolicy(flows, messages, bytes, per, action, identityBuckets, clock);
    }

    private static Rate rate(JsonFields settings, String rateName, String burstName, long maxBurst) {
        Long rate = settings.longValue(rateName, 1, MAX_RATE);
        Long burst = settings.longValue(burstName, 1, maxBurst);
        if (settings.has(burstName) && !settings.has(rateName)) {
            settings.error(burstName, "needs " + rateName);
            return null;
        }
        if (rate == null) {
            return null;
        }
        return new Rate(rate, burst == null ? rate : burst);
    }
}
