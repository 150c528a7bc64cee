package dev.wsgateway.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.identity.ApiKey;
import dev.wsgateway.identity.Revocation;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.StaleRouteVersionException;
import dev.wsgateway.store.StoreUnavailableException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared store against a real PostgreSQL: two gateway instances on one database. */
class PgClusterTest {
    private static TestPostgres postgres;
    private static final AtomicInteger databases = new AtomicInteger();
    private String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = new TestPostgres();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        url = postgres.createDatabase("cluster_" + databases.incrementAndGet());
    }

    static RouteDefinition def(String id, String path, boolean enabled) {
        return new RouteDefinition(id, path, URI.create("ws://127.0.0.1:9000/" + id), List.of(), null, null, null,
                null, enabled, null, List.of());
    }

    /** Polls a database-backed condition until a deadline (the state lives in another process). */
    static void eventually(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Test
    void migratesAnEmptyDatabaseAndRefusesASchemaNewerThanTheCode() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a")) {
            assertEquals("1", PgSchema.migrate(a.pool));
            assertEquals("1", PgSchema.migrate(a.pool), "migrating again changes nothing");
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("INSERT INTO gw_schema_history (installed_rank, version, description, type, script, "
                        + "checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', "
                        + "'V99__future.sql', 0, 'test', 0, true)");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PgSchema.migrate(a.pool));
            assertTrue(e.getMessage().contains("newer than this gateway knows"), e.getMessage());
        }
    }

    @Test
    void aRouteCreatedOnOneInstanceIsServedByTheOtherWithinASecond() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            CountDownLatch seen = new CountDownLatch(1);
            b.routes.records().onChange((before, after) -> {
                if (after.containsKey("chat")) {
                    seen.countDown();
                }
            });
            a.routes.create(def("chat", "/chat", true));
            assertTrue(seen.await(1, TimeUnit.SECONDS), "B's table has the route within 1 s");
            assertTrue(b.routes.table().match("/chat").isPresent());

            a.routes.update("chat", def("chat", "/chat", false), 1L);
            eventually(Duration.ofSeconds(1), () -> !b.routes.table().match("/chat").get().enabled(),
                    "the route disabled on A is disabled on B");
        }
    }

    @Test
    void twoAdminsOnTwoInstancesStillGet412ForAStaleVersion() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            a.routes.create(def("chat", "/chat", true));
            eventually(Duration.ofSeconds(1), () -> b.routes.get("chat").isPresent(), "B knows the route");
            b.routes.update("chat", def("chat", "/chat2", true), 1L);
            // A may not have heard of B's write yet: the revision check makes it read again, then refuse.
            StaleRouteVersionException stale = assertThrows(StaleRouteVersionException.class,
                    () -> a.routes.update("chat", def("chat", "/chat3", true), 1L));
            assertEquals(2, stale.currentVersion());
            assertEquals("/chat2", a.routes.get("chat").get().definition().path());
        }
    }

    @Test
    void aPathTakenOnOneInstanceCannotBeTakenOnTheOther() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b")) {
            b.routes.load(); // B's listener never runs: its snapshot stays old
            a.routes.create(def("one", "/same", true));
            assertThrows(dev.wsgateway.route.RouteConflictException.class, () -> b.routes.create(def("two", "/same", true)));
        }
    }

    @Test
    void aRevocationAndAKeyRevokedOnOneInstanceReachTheOtherWithinASecond() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            ApiKey key = a.keys.create("ci", List.of(), null).key();
            eventually(Duration.ofSeconds(1), () -> b.keys.get(key.id()).isPresent(), "B knows the key");
            CountDownLatch keyRevoked = new CountDownLatch(1);
            CountDownLatch subjectRevoked = new CountDownLatch(1);
            b.keys.onRevoked(k -> {
                if (k.id().equals(key.id())) {
                    keyRevoked.countDown();
                }
            });
            b.revocations.onRevoked(r -> {
                if (r.value().equals("alice")) {
                    subjectRevoked.countDown();
                }
            });
            a.keys.revoke(key.id());
            a.revocations.revoke(Revocation.Kind.SUBJECT, "alice", null, null);
            assertTrue(keyRevoked.await(1, TimeUnit.SECONDS), "B hears of the key's revocation within 1 s");
            assertTrue(subjectRevoked.await(1, TimeUnit.SECONDS), "B hears of the revocation within 1 s");
            assertTrue(b.revocations.subjectRevoked("alice"));
            assertNotNull(b.keys.get(key.id()).get().revokedAt());
        }
    }

    @Test
    void anInstanceThatMissedTheNotificationsCatchesUpFromTheEventTable() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b")) {
            // B's stores are loaded, but its listener never ran: it has heard no notification at all.
            PgSchema.migrate(b.pool);
            b.routes.load();
            b.revocations.load();
            a.routes.create(def("chat", "/chat", true));
            a.revocations.revoke(Revocation.Kind.TOKEN_ID, "jti-1", null, null);
            assertFalse(b.routes.get("chat").isPresent());

            b.cluster.catchUp();

            assertTrue(b.routes.get("chat").isPresent());
            assertTrue(b.revocations.tokenRevoked("jti-1"));
        }
    }

    @Test
    void aWriteThatFindsAnotherInstancesChangeFirstPassesThatChangeOnToItsListeners() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b")) {
            b.revocations.load(); // B's listener never runs: only its own write can tell it of A's
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            b.revocations.onRevoked(r -> heard.add(r.value()));
            a.revocations.revoke(Revocation.Kind.SUBJECT, "alice", null, null);

            b.revocations.revoke(Revocation.Kind.SUBJECT, "bob", null, null);

            assertEquals(List.of("alice", "bob"), heard.stream().sorted().toList(),
                    "alice's revocation, read again by B's write, closes alice's sessions on B too");
        }
    }

    @Test
    void aListenerCutOffFromTheDatabaseCatchesUpWhenItReconnects() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            // The listeners' connections are cut (the notification of A's write reaches nobody); A writes
            // while B reconnects.
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')");
            }
            a.routes.create(def("late", "/late", true));
            eventually(Duration.ofSeconds(5), () -> b.routes.get("late").isPresent(), "B catches up");
        }
    }

    @Test
    void aSingleInstancesFilesAreCopiedIntoAnEmptyClusterStoreAndOnlyIntoAnEmptyOne(@org.junit.jupiter.api.io.TempDir
                                                                                     java.nio.file.Path dir) throws Exception {
        dev.wsgateway.route.RouteStore fileRoutes = new dev.wsgateway.route.RouteStore(
                new dev.wsgateway.route.RouteFile(dir), GatewayInstance.DEFAULTS, List::of);
        fileRoutes.load();
        fileRoutes.create(def("chat", "/chat", true));
        fileRoutes.update("chat", def("chat", "/chat", false), 1L);
        dev.wsgateway.identity.ApiKeyStore fileKeys = new dev.wsgateway.identity.ApiKeyStore(dir,
                java.time.Clock.systemUTC());
        fileKeys.load();
        var created = fileKeys.create("ci", List.of("chat"), null);

        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            assertEquals(1, a.routes.records().copyFrom(new dev.wsgateway.route.RouteFile(dir), 1));
            assertEquals(1, a.keys.records().copyFrom(new dev.wsgateway.store.FileRecords(
                    new dev.wsgateway.store.JsonFile(dir.resolve("api-keys.json"), 1), "keys", "id"), 0));

            eventually(Duration.ofSeconds(1), () -> b.keys.find(created.secret()).isPresent(),
                    "B accepts the imported key (its hash came along, the secret never left the file instance)");
            assertEquals(2, b.routes.get("chat").get().version(), "versions come along");
            assertThrows(IllegalStateException.class,
                    () -> a.routes.records().copyFrom(new dev.wsgateway.route.RouteFile(dir), 1),
                    "a store written to is not overwritten");
        }
    }
}
