package dev.wsgateway.store.pg;

import dev.wsgateway.policy.builtin.BucketKey;
import dev.wsgateway.policy.builtin.BucketStore;
import dev.wsgateway.store.StoreUnavailableException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Token buckets every instance shares, in {@code gw_bucket}: Bucket4j's PostgreSQL proxy manager takes each
 * token in a {@code SELECT ... FOR UPDATE} transaction, so limits hold across instances exactly. A bucket
 * expires once it would be full again (plus a margin) and the heartbeat deletes expired rows in batches.
 * Every identity gets its own bucket: the table, not the heap, holds them. A database that cannot be reached
 * makes each call throw {@link StoreUnavailableException}.
 */
public final class PgBucketStore implements BucketStore {
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final PgCluster cluster;

    public PgBucketStore(PgCluster cluster) {
        this.cluster = cluster;
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(cluster.dataSource())
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("gw_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(EXPIRY_MARGIN))
                .build();
    }

    @Override
    public Bucket bucket(BucketKey key, Supplier<BucketConfiguration> configuration) {
        return proxies.builder().build(key.toString(), configuration);
    }

    @Override
    public StoreUnavailableException failure(RuntimeException e) {
        return unavailable(cluster, e);
    }

    /** Deletes up to {@code batch} expired buckets; how many it deleted. */
    public int removeExpired(int batch) {
        try {
            return proxies.removeExpired(batch);
        } catch (RuntimeException e) {
            throw unavailable(cluster, e);
        }
    }

    static StoreUnavailableException unavailable(PgCluster cluster, RuntimeException e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof java.sql.SQLException)) {
            cause = cause.getCause();
        }
        if (cause instanceof java.sql.SQLException sql && PgCluster.isConnectionProblem(sql)) {
            cluster.unreachable(sql);
        }
        return new StoreUnavailableException("the shared rate-limit store cannot be reached: " + e.getMessage(), e);
    }
}
