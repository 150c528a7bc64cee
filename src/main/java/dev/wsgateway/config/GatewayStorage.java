package dev.wsgateway.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.RateLimitStores;
import dev.wsgateway.store.pg.PgBucketStore;
import dev.wsgateway.store.pg.PgCluster;
import dev.wsgateway.store.pg.PgConnectionSlots;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the gateway keeps its state, as {@code gateway.store} says: {@code file} (JSON files in the data
 * directory, this instance's memory for rate limits; the default) or {@code postgresql} (one database several
 * instances share: a server-managed DataSource by JNDI name, {@code gateway.store.datasource}, or a pool the
 * gateway makes for {@code gateway.store.jdbc-url}).
 */
public final class GatewayStorage implements AutoCloseable {
    public static final String FILE = "file";
    public static final String POSTGRESQL = "postgresql";

    private final PgCluster cluster;
    private final RateLimitStores rateLimits;
    private final PgConnectionSlots slots;
    private final PgBucketStore buckets;

    private GatewayStorage(PgCluster cluster, RateLimitStores rateLimits, PgConnectionSlots slots,
                           PgBucketStore buckets) {
        this.cluster = cluster;
        this.rateLimits = rateLimits;
        this.slots = slots;
        this.buckets = buckets;
    }

    static GatewayStorage fromConfig(GatewayDefaults config) {
        String kind = config.get("gateway.store").orElse(FILE).trim().toLowerCase(Locale.ROOT);
        if (kind.isEmpty() || FILE.equals(kind)) {
            return files(config);
        }
        if (!POSTGRESQL.equals(kind)) {
            throw new IllegalArgumentException("gateway.store must be file or postgresql, not '" + kind + "'");
        }
        DataSource dataSource;
        AutoCloseable owned = null;
        String jndi = config.get("gateway.store.datasource").orElse("").trim();
        if (!jndi.isEmpty()) {
            dataSource = lookup(jndi);
        } else {
            String url = config.get("gateway.store.jdbc-url").orElse("").trim();
            if (url.isEmpty()) {
                throw new IllegalArgumentException("gateway.store=postgresql needs gateway.store.datasource (a JNDI "
                        + "name) or gateway.store.jdbc-url");
            }
            HikariDataSource pool = pool(url, config.get("gateway.store.user").orElse(null),
                    config.get("gateway.store.password").orElse(null), config.integer("gateway.store.pool-size", 10));
            dataSource = pool;
            owned = pool;
        }
        String instanceId = config.get("gateway.cluster.instance-id").filter(s -> !s.isBlank())
                .orElseGet(GatewayStorage::defaultInstanceId);
        PgCluster.Settings defaults = PgCluster.Settings.defaults();
        PgCluster.Settings settings = new PgCluster.Settings(
                Duration.ofMillis(config.integer("gateway.cluster.heartbeat-millis", (int) defaults.heartbeat().toMillis())),
                Duration.ofSeconds(config.integer("gateway.cluster.dead-after-seconds", (int) defaults.deadAfter().toSeconds())),
                Duration.ofMillis(config.integer("gateway.cluster.catch-up-millis", (int) defaults.catchUpInterval().toMillis())),
                defaults.eventRetention());
        return postgresql(new PgCluster(dataSource, owned, instanceId, settings));
    }

    static GatewayStorage files(GatewayDefaults config) {
        return new GatewayStorage(null, RateLimitStores.local(config), null, null);
    }

    public static GatewayStorage postgresql(PgCluster cluster) {
        PgConnectionSlots slots = new PgConnectionSlots(cluster);
        PgBucketStore buckets = new PgBucketStore(cluster);
        cluster.onRegistered(slots::rewrite);
        cluster.onHeartbeat(() -> {
            slots.flushReleases();
            buckets.removeExpired(1000);
        });
        return new GatewayStorage(cluster, new RateLimitStores(buckets, slots), slots, buckets);
    }

    /** The cluster this instance belongs to, or null with the file store. */
    public PgCluster cluster() {
        return cluster;
    }

    public boolean isShared() {
        return cluster != null;
    }

    public RateLimitStores rateLimits() {
        return rateLimits;
    }

    private static DataSource lookup(String name) {
        try {
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException | ClassCastException e) {
            throw new IllegalArgumentException("gateway.store.datasource: no DataSource named " + name + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** A small pool the WAR owns; handshakes that need the database fail fast (2 s) rather than queue. */
    public static HikariDataSource pool(String url, String user, String password, int size) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        if (user != null && !user.isBlank()) {
            pg.setUser(user);
        }
        if (password != null && !password.isEmpty()) {
            pg.setPassword(password);
        }
        pg.setConnectTimeout(2);
        pg.setSocketTimeout(10);
        pg.setTcpKeepAlive(true);
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg);
        config.setPoolName("ws-gateway-store");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(2000);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(-1); // start without the database; it may come later
        return new HikariDataSource(config);
    }

    static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "gateway";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + dev.wsgateway.identity.Secrets.id(4);
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
