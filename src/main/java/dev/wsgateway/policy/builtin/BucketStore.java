package dev.wsgateway.policy.builtin;

import dev.wsgateway.store.StoreUnavailableException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.util.function.Supplier;

/**
 * Where the rate-limit policy keeps its token buckets. {@link LocalBucketStore} keeps them in this
 * gateway instance's memory; a store shared by several instances wraps a Bucket4j {@code ProxyManager}
 * (JCache, Hazelcast, Redis): {@code proxyManager.builder().build(key.toString(), configuration)}, with the
 * store's own expiry of idle entries. The policy only uses what both kinds of bucket offer
 * ({@code asVerbose().tryConsumeAndReturnRemaining}, {@code addTokens}).
 */
public interface BucketStore {
    /**
     * The bucket kept under {@code key}, made with {@code configuration} when there is none. Null only when
     * {@code key} {@linkplain BucketKey#tracksIdentity() tracks an identity}, has no bucket yet and the store
     * already tracks as many identities as it may; the caller then falls back to a shared bucket.
     */
    Bucket bucket(BucketKey key, Supplier<BucketConfiguration> configuration);

    /**
     * What a failure of one of this store's buckets means: {@link StoreUnavailableException} when a shared
     * store could not be reached (the handshake is refused with 503), null when it is a bug like any other.
     */
    default StoreUnavailableException failure(RuntimeException e) {
        return null;
    }
}
