package dev.wsgateway.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.builtin.RateLimitPolicyFactory;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.store.StoreUnavailableException;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and connection caps that two gateway instances share through a real PostgreSQL, and what
 * happens when that database goes away and comes back.
 */
class SharedRateLimitTest {
    private static TestPostgres postgres;
    private static final AtomicInteger databases = new AtomicInteger();
    private static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:9000/chat"), List.of(),
            1000, 60, 1024, 30, true, List.of(), 1);
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
        url = postgres.createDatabase("limits_" + databases.incrementAndGet());
    }

    private static HandshakePolicy policy(GatewayInstance instance, String settings) {
        List<FieldError> errors = new ArrayList<>();
        HandshakePolicy policy = new RateLimitPolicyFactory(instance.storage.rateLimits())
                .create(new JsonFields(Json.createReader(new StringReader(settings.replace('\'', '"'))).readObject(),
                        "policies[0].", errors));
        assertEquals(List.of(), errors);
        return policy;
    }

    private static HandshakeContext withKey(String keyId) {
        HandshakeContext context = new HandshakeContext(ROUTE, Map.of(), null, List.of(), "127.0.0.1", "192.0.2.1",
                false, Instant.now());
        context.apiKey(keyId);
        context.authenticated("apiKey", "key-" + keyId, null);
        return context;
    }

    private static long rows(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aPerClientLimitHoldsAcrossTwoInstances() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            String limits = "{'identity': [{'limit': 3, 'per': 'minute'}]}";
            HandshakePolicy onA = policy(a, limits);
            HandshakePolicy onB = policy(b, limits);

            assertTrue(onA.check(withKey("k1")).permitted());
            assertTrue(onB.check(withKey("k1")).permitted());
            assertTrue(onA.check(withKey("k1")).permitted());
            HandshakeDecision fourth = onB.check(withKey("k1"));

            assertEquals(429, fourth.status());
            assertEquals("too many connections per minute for this client", fourth.detail());
            assertTrue(onB.check(withKey("k2")).permitted(), "another client has its own bucket");
            assertEquals(2, rows(url, "SELECT count(*) FROM gw_bucket"));
        }
    }

    @Test
    void aDailyQuotaIsOneQuotaForTheWholeCluster() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            String limits = "{'route': [{'limit': 2, 'per': 'day'}]}";
            assertTrue(policy(a, limits).check(withKey("k1")).permitted());
            assertTrue(policy(b, limits).check(withKey("k2")).permitted());
            HandshakeDecision third = policy(a, limits).check(withKey("k3"));
            assertEquals(429, third.status());
            assertEquals("daily connection quota used up for this route", third.detail());
        }
    }

    @Test
    void aPerIdentityConnectionCapHoldsAcrossInstancesAndASessionEndFreesItsSlot() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            String caps = "{'maxConnectionsPerIdentity': 2}";
            HandshakeContext first = withKey("k1");
            assertTrue(policy(a, caps).check(first).permitted());
            assertTrue(policy(b, caps).check(withKey("k1")).permitted());
            HandshakeDecision third = policy(a, caps).check(withKey("k1"));
            assertEquals(429, third.status());
            assertEquals("too many open connections for this client", third.detail());

            first.takeSessionEndActions().forEach(Runnable::run); // the session on A ends
            assertTrue(policy(b, caps).check(withKey("k1")).permitted());
        }
    }

    @Test
    void theSlotsOfAnInstanceThatDiedAreFreedOnceItMissedItsHeartbeats() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            String caps = "{'maxConnections': 1}";
            assertTrue(policy(a, caps).check(withKey("k1")).permitted());
            assertEquals(503, policy(b, caps).check(withKey("k2")).status());

            a.cluster.halt(); // A stops beating without leaving, as a killed process would

            PgClusterTest.eventually(Duration.ofSeconds(5), () -> policy(b, caps).check(withKey("k2")).permitted(),
                    "B takes the slot once A is 2 s silent");
            PgClusterTest.eventually(Duration.ofSeconds(2), () -> {
                try {
                    return rows(url, "SELECT count(*) FROM gw_instance WHERE id = 'a'") == 0;
                } catch (Exception e) {
                    return false;
                }
            }, "B's next heartbeat deletes A's registry row (and its slots with it)");
            assertEquals(0, rows(url, "SELECT count(*) FROM gw_slot WHERE instance = 'a'"));
        }
    }

    @Test
    void withoutItsDatabaseTheGatewayKeepsItsSnapshotRefusesWhatNeedsTheDatabaseAndRecovers() throws Exception {
        try (GatewayInstance a = new GatewayInstance(url, "a").started();
             GatewayInstance b = new GatewayInstance(url, "b").started()) {
            a.routes.create(PgClusterTest.def("chat", "/chat", true));
            PgClusterTest.eventually(Duration.ofSeconds(1), () -> b.routes.get("chat").isPresent(), "B knows the route");
            HandshakePolicy limited = policy(a, "{'identity': [{'limit': 100, 'per': 'second'}], 'maxConnections': 10}");
            HandshakeContext live = withKey("k1");
            assertTrue(limited.check(live).permitted());

            postgres.stop();
            try {
                assertTrue(a.routes.table().match("/chat").isPresent(), "the snapshot still routes");
                HandshakeDecision refused = limited.check(withKey("k1"));
                assertEquals(503, refused.status());
                assertEquals(Map.of("Retry-After", "5"), refused.headers());
                assertThrows(StoreUnavailableException.class,
                        () -> a.routes.create(PgClusterTest.def("other", "/other", true)));
                assertFalse(a.routes.get("other").isPresent(), "a refused write is not applied here");
                live.takeSessionEndActions().forEach(Runnable::run); // a session ends during the outage
                PgClusterTest.eventually(Duration.ofSeconds(5), () -> a.cluster.unreachableSince() != null,
                        "A knows the database is gone");
            } finally {
                postgres.start();
            }

            PgClusterTest.eventually(Duration.ofSeconds(10), () -> a.cluster.unreachableSince() == null,
                    "A finds the database again");
            assertNull(a.cluster.unreachableSince());
            assertFalse(b.routes.get("other").isPresent(), "nothing half-written reached B");
            a.routes.create(PgClusterTest.def("after", "/after", true));
            PgClusterTest.eventually(Duration.ofSeconds(5), () -> b.routes.get("after").isPresent(),
                    "B hears of writes made after the outage");
            PgClusterTest.eventually(Duration.ofSeconds(5), () -> {
                try {
                    return rows(url, "SELECT count(*) FROM gw_slot") == 0;
                } catch (Exception e) {
                    return false;
                }
            }, "the slot given back during the outage is deleted once the database answers");
            // The pool finds its connections broken one by one after the outage: the first checks may still
            // answer 503; within seconds, what needs the database is permitted again
            PgClusterTest.eventually(Duration.ofSeconds(10), () -> limited.check(withKey("k1")).permitted(),
                    "a handshake that needs a bucket and a slot is permitted again");
        }
    }
}
