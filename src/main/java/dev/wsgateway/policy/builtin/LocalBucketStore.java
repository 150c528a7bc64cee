package dev.wsgateway.policy.builtin;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Token buckets in this gateway instance's memory, thread-safe.
 *
 * <p>Memory stays bounded two ways. A bucket that is full again is worth nothing (a new one would be the
 * same), so a sweep drops every full bucket; it runs, on the calling thread and one at a time, when the
 * map has doubled since the last sweep (at least {@value #MIN_SWEEP_SIZE} entries), once a minute, and at
 * most once a second while the identity cap is reached. No background thread. A bucket handed out just
 * before the sweep dropped it may take one more token that the fresh bucket then does not know about: at
 * most one extra handshake, accepted for not locking every access.
 *
 * <p>And the number of buckets for single client identities is capped ({@code maxTrackedIdentities}); the
 * route-wide buckets and the shared {@link BucketKey#UNTRACKED} ones are few and not counted. When the cap
 * is reached and a sweep frees nothing, {@link #bucket} gives null for a new identity (see
 * {@link RateLimitPolicy} for what the policy does then) and logs a warning at most every five minutes.
 */
public final class LocalBucketStore implements BucketStore {
    private static final Logger LOG = Logger.getLogger(LocalBucketStore.class.getName());
    static final int MIN_SWEEP_SIZE = 1024;
    static final long SWEEP_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();
    static final long CAP_SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long WARNING_INTERVAL_NANOS = Duration.ofMinutes(5).toNanos();

    private final ConcurrentHashMap<BucketKey, LocalBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger trackedIdentities = new AtomicInteger();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final int maxTrackedIdentities;
    private final TimeMeter clock;
    private volatile long lastSweep;
    private volatile int nextSweepSize = MIN_SWEEP_SIZE;
    private volatile long lastWarning;
    private volatile boolean warned;

    /**
     * @param clock the buckets' time source: {@link TimeMeter#SYSTEM_NANOTIME} in the server, a settable one in
     *              tests
     */
    public LocalBucketStore(int maxTrackedIdentities, TimeMeter clock) {
        if (maxTrackedIdentities < 1) {
            throw new IllegalArgumentException("the cap on tracked identities must be at least 1, not " + maxTrackedIdentities);
        }
        this.maxTrackedIdentities = maxTrackedIdentities;
        this.clock = clock;
        this.lastSweep = clock.currentTimeNanos();
    }

    @Override
    public Bucket bucket(BucketKey key, Supplier<BucketConfiguration> configuration) {
        maybeSweep(false);
        LocalBucket existing = buckets.get(key);
        if (existing != null) {
            return existing;
        }
        boolean reserved = false;
        if (key.tracksIdentity()) {
            reserved = reserveIdentity();
            if (!reserved) {
                maybeSweep(true);
                reserved = reserveIdentity();
            }
            if (!reserved) {
                existing = buckets.get(key); // made by another thread meanwhile
                if (existing == null) {
                    warnCapReached();
                }
                return existing;
            }
        }
        boolean[] created = new boolean[1];
        LocalBucket bucket = buckets.computeIfAbsent(key, k -> {
            created[0] = true;
            return build(configuration.get());
        });
        if (reserved && !created[0]) {
            trackedIdentities.decrementAndGet();
        }
        return bucket;
    }

    private boolean reserveIdentity() {
        while (true) {
            int n = trackedIdentities.get();
            if (n >= maxTrackedIdentities) {
                return false;
            }
            if (trackedIdentities.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private LocalBucket build(BucketConfiguration configuration) {
        LocalBucketBuilder builder = Bucket.builder();
        for (Bandwidth bandwidth : configuration.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.withCustomTimePrecision(clock).build();
    }

    private void maybeSweep(boolean atCap) {
        long sinceLast = clock.currentTimeNanos() - lastSweep;
        boolean due = buckets.size() >= nextSweepSize || sinceLast >= SWEEP_INTERVAL_NANOS
                || atCap && sinceLast >= CAP_SWEEP_INTERVAL_NANOS;
        if (due && sweeping.compareAndSet(false, true)) {
            try {
                sweep();
            } finally {
                sweeping.set(false);
            }
        }
    }

    /** Drops every bucket that is full again. */
    void sweep() {
        buckets.forEach((key, bucket) -> {
            if (isFull(bucket) && buckets.remove(key, bucket) && key.tracksIdentity()) {
                trackedIdentities.decrementAndGet();
            }
        });
        lastSweep = clock.currentTimeNanos();
        nextSweepSize = Math.max(MIN_SWEEP_SIZE, 2 * buckets.size());
    }

    static boolean isFull(Bucket bucket) {
        VerboseResult<Long> available = bucket.asVerbose().getAvailableTokens();
        long[] tokens = available.getDiagnostics().getAvailableTokensPerEachBandwidth();
        Bandwidth[] bandwidths = available.getConfiguration().getBandwidths();
        for (int i = 0; i < bandwidths.length; i++) {
            if (tokens[i] < bandwidths[i].getCapacity()) {
                return false;
            }
        }
        return true;
    }

    private void warnCapReached() {
        long now = clock.currentTimeNanos();
        if (!warned || now - lastWarning >= WARNING_INTERVAL_NANOS) {
            warned = true;
            lastWarning = now;
            LOG.warning(() -> "ws-gateway: rate limits track " + maxTrackedIdentities + " client identities, the most "
                    + "gateway.rate-limit.max-tracked-identities allows; further clients share one bucket per route");
        }
    }

    /** How many buckets are kept. */
    int size() {
        return buckets.size();
    }

    /** How many buckets for single identities are kept. */
    int trackedIdentities() {
        return trackedIdentities.get();
    }
}
