package dev.wsgateway.policy.builtin;

import dev.wsgateway.policy.GatewayDefaults;
import io.github.bucket4j.TimeMeter;

/** Where the rateLimit policies keep their buckets and connection counts. */
public record RateLimitStores(BucketStore buckets, ConnectionCaps connections) {
    /** This instance's memory (a single gateway, the file store). */
    public static RateLimitStores local(GatewayDefaults defaults) {
        return new RateLimitStores(new LocalBucketStore(defaults.integer(
                RateLimitPolicyFactory.MAX_TRACKED_IDENTITIES, RateLimitPolicyFactory.DEFAULT_MAX_TRACKED_IDENTITIES), TimeMeter.SYSTEM_NANOTIME), new ConnectionCounters());
    }
}
