package dev.wsgateway.policy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.builtin.RateLimitTestSupport.TestClock;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RateLimitStoreTest {
    private final TestClock clock = new TestClock();
    private static final Supplier<BucketConfiguration> ONE_PER_SECOND = () -> new BucketConfiguration(
            List.of(Bandwidth.builder().capacity(1).refillGreedy(1, Duration.ofSeconds(1)).build()));

    private static BucketKey identity(int i) {
        return new BucketKey("r", "ip:10.0.0." + i, "1/second");
    }

    @Test
    void theSameKeyGivesTheSameBucket() {
        LocalBucketStore store = new LocalBucketStore(10, clock);
        assertSame(store.bucket(identity(1), ONE_PER_SECOND), store.bucket(identity(1), ONE_PER_SECOND));
        assertEquals(1, store.trackedIdentities());
    }

    @Test
    void aSweepDropsOnlyBucketsThatAreFullAgain() {
        LocalBucketStore store = new LocalBucketStore(100, clock);
        for (int i = 0; i < 10; i++) {
            assertTrue(store.bucket(identity(i), ONE_PER_SECOND).tryConsume(1));
        }
        store.bucket(identity(99), ONE_PER_SECOND); // never used: full
        store.bucket(new BucketKey("r", null, "1/second"), ONE_PER_SECOND).tryConsume(1);
        store.sweep();
        assertEquals(11, store.size());
        assertEquals(10, store.trackedIdentities());

        clock.advance(Duration.ofMillis(999));
        store.sweep();
        assertEquals(11, store.size());
        clock.advance(Duration.ofMillis(1));
        store.sweep();
        assertEquals(0, store.size());
        assertEquals(0, store.trackedIdentities());
    }

    @Test
    void sweepsHappenOnUseOnceAMinute() {
        LocalBucketStore store = new LocalBucketStore(100, clock);
        for (int i = 0; i < 10; i++) {
            store.bucket(identity(i), ONE_PER_SECOND).tryConsume(1);
        }
        clock.advance(Duration.ofSeconds(59));
        store.bucket(identity(0), ONE_PER_SECOND);
        assertEquals(10, store.size());
        clock.advance(Duration.ofSeconds(1));
        store.bucket(identity(0), ONE_PER_SECOND);
        assertEquals(1, store.size(), "all swept, then the one asked for made again");
    }

    @Test
    void sweepsHappenWhenTheMapGrows() {
        LocalBucketStore store = new LocalBucketStore(100_000, clock);
        for (int i = 0; i < LocalBucketStore.MIN_SWEEP_SIZE; i++) {
            store.bucket(new BucketKey("r", "ip:" + i, "1/second"), ONE_PER_SECOND); // full: sweepable
        }
        assertEquals(LocalBucketStore.MIN_SWEEP_SIZE, store.size());
        store.bucket(new BucketKey("r", "ip:x", "1/second"), ONE_PER_SECOND);
        assertEquals(1, store.size());
    }

    @Test
    void beyondTheCapANewIdentityGetsNoBucketButRouteAndSharedKeysDo() {
        LocalBucketStore store = new LocalBucketStore(2, clock);
        store.bucket(identity(1), ONE_PER_SECOND).tryConsume(1);
        store.bucket(identity(2), ONE_PER_SECOND).tryConsume(1);
        assertNull(store.bucket(identity(3), ONE_PER_SECOND));
        assertNotNull(store.bucket(identity(1), ONE_PER_SECOND), "known identities still have theirs");
        assertNotNull(store.bucket(new BucketKey("r", null, "1/second"), ONE_PER_SECOND));
        assertNotNull(store.bucket(new BucketKey("r", BucketKey.UNTRACKED, "1/second"), ONE_PER_SECOND));
        assertEquals(2, store.trackedIdentities());

        clock.advance(Duration.ofSeconds(1));
        assertNotNull(store.bucket(identity(3), ONE_PER_SECOND), "at the cap, a sweep frees the full buckets");
    }

    @Test
    void aFullBucketIsOneWithEveryLimitFull() {
        Bucket bucket = Bucket.builder().addLimit(l -> l.capacity(2).refillGreedy(2, Duration.ofSeconds(1)))
                .addLimit(l -> l.capacity(5).refillIntervally(5, Duration.ofDays(1))).withCustomTimePrecision(clock)
                .build();
        assertTrue(LocalBucketStore.isFull(bucket));
        bucket.tryConsume(1);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(false, LocalBucketStore.isFull(bucket), "the daily limit is still one short");
    }

    @Test
    void theCapMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new LocalBucketStore(0, clock));
    }

    @Test
    void countersTakeAndGiveBackSlots() {
        ConnectionCounters counters = new ConnectionCounters();
        ConnectionCounters.Slot a = counters.tryAcquire("r", "ip:1", 2);
        ConnectionCounters.Slot b = counters.tryAcquire("r", "ip:1", 2);
        assertNotNull(a);
        assertNotNull(b);
        assertNull(counters.tryAcquire("r", "ip:1", 2));
        assertNotNull(counters.tryAcquire("r", null, 1), "the route's own counter is apart");
        a.release();
        a.release();
        assertEquals(1, counters.count("r", "ip:1"));
        b.release();
        assertEquals(0, counters.count("r", "ip:1"));
        assertEquals(1, counters.size());
    }
}
