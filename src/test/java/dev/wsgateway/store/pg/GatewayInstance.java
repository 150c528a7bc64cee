package dev.wsgateway.store.pg;

import com.zaxxer.hikari.HikariDataSource;
import dev.wsgateway.config.GatewayStorage;
import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.identity.RevocationStore;
import dev.wsgateway.route.RouteDefaults;
import dev.wsgateway.route.RouteStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** One gateway instance's shared state, as GatewayBeans wires it, on a test database. */
public final class GatewayInstance implements AutoCloseable {
    static final RouteDefaults DEFAULTS = new RouteDefaults(5_000, 300, 65_536, 30, List.of());
    static final PgCluster.Settings FAST = new PgCluster.Settings(Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofHours(1));

    public final HikariDataSource pool;
    public final PgCluster cluster;
    public final GatewayStorage storage;
    public final RouteStore routes;
    public final ApiKeyStore keys;
    public final RevocationStore revocations;

    public GatewayInstance(String url, String id) {
        this(url, id, FAST);
    }

    GatewayInstance(String url, String id, PgCluster.Settings settings) {
        pool = GatewayStorage.pool(url, "postgres", null, 6);
        cluster = new PgCluster(pool, pool, id, settings);
        storage = GatewayStorage.postgresql(cluster);
        routes = new RouteStore(cluster.collection("routes"), DEFAULTS, List::of);
        keys = new ApiKeyStore(cluster.collection("api-keys"), Clock.systemUTC());
        revocations = new RevocationStore(cluster.collection("revocations"), Clock.systemUTC());
        cluster.follow("routes", routes.records());
        cluster.follow("api-keys", keys.records());
        cluster.follow("revocations", revocations.records());
    }

    public GatewayInstance started() throws IOException {
        cluster.start();
        routes.load();
        keys.load();
        revocations.load();
        return this;
    }

    @Override
    public void close() {
        storage.close();
    }
}
