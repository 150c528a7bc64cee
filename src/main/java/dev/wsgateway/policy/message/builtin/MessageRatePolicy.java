package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.builtin.BucketKey;
import dev.wsgateway.policy.builtin.BucketStore;
import dev.wsgateway.policy.message.FramePolicy;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A message rate and/or a byte rate, per flow, counted per session or per client identity
 * ({@link dev.wsgateway.policy.Credentials#identity}: API key, else principal, else client address) with Bucket4j
 * token buckets that refill greedily.
 *
 * <p>Decided on a message's first frame: the message takes a message token, and it may start only while the byte
 * bucket is not in debt. Every frame's bytes are then charged as they pass, the first included, even beyond the
 * bucket (it goes into debt): a message already partly forwarded is never cut, and its excess holds back the next
 * messages until the bytes are paid back. Exceeded: {@code drop} (the whole message, every frame of it) or
 * {@code close} (1008 to the sender).
 *
 * <p>Per session the buckets live in the session's state, one per flow. Per identity they live in the
 * {@link BucketStore} the factory owns, keyed by route, identity, flow and limits; when the store tracks as many
 * identities as it may, further identities share one bucket per route (as the handshake rateLimit does).
 */
public final class MessageRatePolicy implements FramePolicy {
    /** Whose traffic a bucket counts. */
    enum Per { SESSION, IDENTITY }

    /** What an exceeded message gets. */
    enum Action { DROP, CLOSE }

    /** A rate: {@code perSecond} tokens a second, up to {@code burst} at once. */
    record Rate(long perSecond, long burst) {
        Bandwidth bandwidth() {
            return Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build();
        }
    }

    /** One flow's state in one session: its buckets (per session only) and whether its current message is dropped. */
    private static final class FlowState {
        final Bucket messages;
        final Bucket bytes;
        volatile boolean dropping;

        FlowState(Bucket messages, Bucket bytes) {
            this.messages = messages;
            this.bytes = bytes;
        }
    }

    private final Set<Flow> flows;
    private final Rate messages;
    private final Rate bytes;
    private final Per per;
    private final Action action;
    private final BucketStore identityBuckets;
    private final TimeMeter clock;
    private final String messageLimits;
    private final String byteLimits;

    MessageRatePolicy(Set<Flow> flows, Rate messages, Rate bytes, Per per, Action action, BucketStore identityBuckets,
                      TimeMeter clock) {
        this.flows = Set.copyOf(flows);
        this.messages = messages;
        this.bytes = bytes;
        this.per = per;
        this.action = action;
        this.identityBuckets = identityBuckets;
        this.clock = clock;
        this.messageLimits = messages == null ? null : "messages:" + messages.perSecond() + "/s,burst" + messages.burst();
        this.byteLimits = bytes == null ? null : "bytes:" + bytes.perSecond() + "/s,burst" + bytes.burst();
    }

    @Override
    public Verdict onFrame(Fragment fragment, MessageContext context) {
        Map<Flow, FlowState> session = context.state(this, this::newSession);
        FlowState state = session.get(fragment.flow());
        if (state == null) {
            return Verdict.FORWARD; // a flow this policy does not run on
        }
        Bucket messageBucket = per == Per.SESSION ? state.messages : identityBucket(context, fragment.flow(), messageLimits, messages);
        Bucket byteBucket = per == Per.SESSION ? state.bytes : identityBucket(context, fragment.flow(), byteLimits, bytes);
        if (fragment.first()) {
            state.dropping = false;
            if (byteBucket != null && byteBucket.getAvailableTokens() < 1) {
                return exceeded(state, "byte rate exceeded");
            }
            if (messageBucket != null && !messageBucket.tryConsume(1)) {
                return exceeded(state, "message rate exceeded");
            }
        } else if (state.dropping) {
            return Verdict.drop("message rate exceeded"); // the rest of a message whose first frame was dropped
        }
        if (byteBucket != null && fragment.length() > 0) {
            byteBucket.consumeIgnoringRateLimits(fragment.length());
        }
        return Verdict.FORWARD;
    }

    private Verdict exceeded(FlowState state, String reason) {
        if (action == Action.CLOSE) {
            return Verdict.close(1008, reason);
        }
        state.dropping = true;
        return Verdict.drop(reason);
    }

    private Map<Flow, FlowState> newSession() {
        Map<Flow, FlowState> session = new EnumMap<>(Flow.class);
        for (Flow flow : flows) {
            session.put(flow, per == Per.SESSION ? new FlowState(localBucket(messages), localBucket(bytes))
                    : new FlowState(null, null));
        }
        return session;
    }

    private Bucket localBucket(Rate rate) {
        if (rate == null) {
            return null;
        }
        LocalBucketBuilder builder = Bucket.builder().addLimit(rate.bandwidth());
        return builder.withCustomTimePrecision(clock).build();
    }

    private Bucket identityBucket(MessageContext context, Flow flow, String limits, Rate rate) {
        if (rate == null) {
            return null;
        }
        String identity = context.credentials().identity(context.clientAddress());
        String key = flow.label() + "|" + limits;
        Supplier<BucketConfiguration> configuration = () -> new BucketConfiguration(java.util.List.of(rate.bandwidth()));
        Bucket bucket = identityBuckets.bucket(new BucketKey(context.routeId(), identity, key), configuration);
        return bucket != null ? bucket
                : identityBuckets.bucket(new BucketKey(context.routeId(), BucketKey.UNTRACKED, key), configuration);
    }

    @Override
    public String type() {
        return "messageRate";
    }

    @Override
    public Set<Flow> flows() {
        return flows;
    }

    @Override
    public JsonObject describe() {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        if (messages != null) {
            json.add("messagesPerSecond", messages.perSecond()).add("burst", messages.burst());
        }
        if (bytes != null) {
            json.add("bytesPerSecond", bytes.perSecond()).add("bytesBurst", bytes.burst());
        }
        return json.add("per", Choices.label(per)).add("action", Choices.label(action)).build();
    }
}
