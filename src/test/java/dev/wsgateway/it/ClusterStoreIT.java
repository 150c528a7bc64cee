package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.store.pg.GatewayInstance;
import dev.wsgateway.store.pg.TestPostgres;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR deployed with {@code gateway.store=postgresql} (a pool the WAR owns, for a PostgreSQL this test
 * starts), side by side with a second gateway instance in this test JVM on the same database: changes made on
 * either reach the other, and a database outage is survived.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterStoreIT {
    private static TestPostgres postgres;
    private static String url;
    private static TestBackend backend;
    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        postgres = new TestPostgres();
        // Stopped when the test JVM ends: Arquillian undeploys after the class's @AfterAll, and the gateway
        // should leave the cluster with its database still there.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        url = postgres.createDatabase("gateway_it");
        WebArchive war = Deployments.gatewayWar();
        String defaults = new String(war.get("/WEB-INF/classes/META-INF/microprofile-config.properties").getAsset()
                .openStream().readAllBytes(), StandardCharsets.UTF_8);
        war.delete("/WEB-INF/classes/META-INF/microprofile-config.properties");
        war.addAsResource(new StringAsset(defaults + "\ngateway.store=postgresql\ngateway.store.jdbc-url=" + url
                + "\ngateway.store.user=postgres\ngateway.cluster.instance-id=server\n"
                + "gateway.cluster.dead-after-seconds=5\n"), "META-INF/microprofile-config.properties");
        return war;
    }

    @BeforeAll
    static void startBackend() throws Exception {
        backend = TestBackend.start();
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    private String ws(String path) {
        return "ws://" + base.getHost() + ":" + base.getPort() + "/ws" + path;
    }

    private static void eventually(Duration within, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private int handshakeStatus(String path, String... headers) {
        try {
            return RawHttp.handshake(base, path, headers).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int readiness() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(
                    System.getProperty("gateway.it.health-url", "http://127.0.0.1:9990/health") + "/ready").toURL()
                    .openConnection();
            return c.getResponseCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void routesAndKeysMadeOnEitherInstanceReachTheOtherAndARevocationThereClosesTheSessionHere() throws Exception {
        try (GatewayInstance other = new GatewayInstance(url, "other").started()) {
            other.routes.create(RouteDefinition.fromJson(Json.createReader(new StringReader(
                    "{\"id\":\"made-elsewhere\",\"path\":\"/made-elsewhere\",\"backend\":\"" + backend.uri("/echo")
                            + "\"}")).readObject()));
            eventually(Duration.ofSeconds(1), () -> handshakeStatus("/ws/made-elsewhere") == 101,
                    "the server serves a route created on the other instance within 1 s");

            new Admin(base).createRoute("keyed", "/keyed", backend.uri("/echo"), "\"policies\":[{\"type\":\"apiKey\"}]");
            eventually(Duration.ofSeconds(1), () -> other.routes.get("keyed").isPresent(),
                    "the other instance has the route created through this server's admin API");

            ApiKeyStore.Created key = other.keys.create("made elsewhere", List.of("keyed"), null);
            eventually(Duration.ofSeconds(1), () -> handshakeStatus("/ws/keyed", "X-API-Key: " + key.secret()) == 101,
                    "the server accepts a key created on the other instance");
            try (WsClient client = WsClient.connect(ws("/keyed"), Map.of("X-API-Key", key.secret()))) {
                client.send("hello");
                assertEquals("hello", client.nextText());
                long revokedAt = System.nanoTime();
                other.keys.revoke(key.key().id());
                assertEquals(new WsClient.Closed(1008, "credential revoked"), client.awaitClose());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt);
                assertTrue(millis < 1000, "closed " + millis + " ms after the revocation on the other instance");
            }
        }
    }

    @Test
    void withoutTheDatabaseLimitsRefuseWith503PlainRoutesStillServeReadinessSaysSoAndAllRecovers() throws Exception {
        Admin admin = new Admin(base);
        admin.createRoute("plain", "/plain", backend.uri("/echo"), "");
        admin.createRoute("limited", "/limited", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"rateLimit\",\"identity\":[{\"limit\":100,\"per\":\"second\"}]}]");
        assertEquals(101, handshakeStatus("/ws/limited"));
        eventually(Duration.ofSeconds(5), () -> readiness() == 200, "ready with the database");

        postgres.stop();
        try {
            RawHttp.Response refused = RawHttp.handshake(base, "/ws/limited");
            assertEquals(503, refused.status());
            assertEquals("5", refused.header("Retry-After"));
            assertEquals(101, handshakeStatus("/ws/plain"), "a route the snapshot decides is still served");
            assertEquals(503, admin.createRouteStatus("during-outage", "/during-outage", backend.uri("/echo")));
            eventually(Duration.ofSeconds(5), () -> readiness() == 503, "readiness reports the outage");
        } finally {
            postgres.start();
        }
        eventually(Duration.ofSeconds(15), () -> readiness() == 200, "ready again once the database answers");
        eventually(Duration.ofSeconds(5), () -> handshakeStatus("/ws/limited") == 101, "limits are counted again");
        assertEquals(404, handshakeStatus("/ws/during-outage"), "the refused write was not applied");
    }
}
