package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Session lifetime end to end: a route's maximum session age, and the graceful drain (readiness, 503s, closes
 * spread over the window, progress, cancel). Every test that starts a drain cancels it in {@code finally}, so
 * the deployment is never left refusing handshakes.
 */
class LifecycleIT extends GatewayTestBase {
    private static final String DRAIN = "/api/admin/drain";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            admin().createRoute("life-echo", "/life/echo", backend.uri("/echo"), "");
            admin().createRoute("life-aged", "/life/aged", backend.uri("/echo"), "\"maxSessionSeconds\":2");
            routesCreated = true;
        }
    }

    private static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private HttpResponse<String> readiness() throws Exception {
        String health = System.getProperty("gateway.it.health-url", "http://127.0.0.1:9990/health");
        return HTTP.send(HttpRequest.newBuilder(URI.create(health + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject drainStatus() throws Exception {
        HttpResponse<String> response = admin().as("GET", DRAIN, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private void cancelDrain() throws Exception {
        HttpResponse<String> response = admin().as("DELETE", DRAIN, null);
        assertEquals(200, response.statusCode(), response.body());
    }

    private List<WsClient> openEchoing(int n) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WsClient c = WsClient.connect(ws("/life/echo"));
            clients.add(c);
            c.send("hello " + i);
            assertEquals("hello " + i, c.nextText());
        }
        return clients;
    }

    @Test
    void aRouteWithAMaximumAgeClosesItsSessionWith1001AndAReasonAtThatAge() throws Exception {
        long opened = System.nanoTime();
        try (WsClient client = WsClient.connect(ws("/life/aged"))) {
            client.send("still young");
            assertEquals("still young", client.nextText());

            WsClient.Closed closed = client.awaitClose();
            long ageMillis = (System.nanoTime() - opened) / 1_000_000;

            assertEquals(1001, closed.code());
            assertEquals("session reached its maximum age", closed.reason());
            // 2 s less at most 10 % jitter: never before 1.8 s (the upper bound is awaitClose's own deadline)
            assertTrue(ageMillis >= 1_800, "closed after " + ageMillis + " ms");
        }
        CloseReason atBackend = TestBackend.nextClose();
        assertEquals(1001, atBackend.getCloseCode().getCode());
        assertEquals("session reached its maximum age", atBackend.getReasonPhrase());
    }

    @Test
    void aDrainTurnsReadinessDownRefusesHandshakesAndClosesEverySessionSpreadOverItsWindow() throws Exception {
        assertEquals(200, readiness().statusCode(), "ready before the drain");
        List<WsClient> clients = openEchoing(8);
        ExecutorService waiters = Executors.newFixedThreadPool(clients.size());
        try {
            long started = System.nanoTime();
            HttpResponse<String> post = admin().as("POST", DRAIN,
                    "{\"windowSeconds\":4,\"code\":1012,\"reason\":\"gateway restarting\"}");
            assertEquals(202, post.statusCode(), post.body());
            JsonObject status = json(post.body());
            assertEquals("draining", status.getString("state"));
            assertEquals(4, status.getInt("windowSeconds"));
            assertEquals(8, status.getInt("sessionsAtStart"));
            List<Future<Long>> closedAt = new ArrayList<>();
            List<Future<WsClient.Closed>> closes = new ArrayList<>();
            for (WsClient c : clients) {
                Future<WsClient.Closed> close = waiters.submit(c::awaitClose);
                closes.add(close);
                closedAt.add(waiters.submit(() -> {
                    close.get(30, TimeUnit.SECONDS);
                    return (System.nanoTime() - started) / 1_000_000;
                }));
            }

            HttpResponse<String> ready = readiness();
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("ws-gateway-drain"), ready.body());
            RawHttp.Response refused = RawHttp.handshake(base, "/ws/life/echo");
            assertEquals(503, refused.status(), refused.head());
            assertNotNull(refused.header("Retry-After"), refused.head());
            JsonObject progress = drainStatus();
            assertTrue(Set.of("draining", "drained").contains(progress.getString("state")), progress.toString());
            assertEquals(8, progress.getInt("sessionsAtStart"));

            List<Long> times = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                WsClient.Closed closed = closes.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(1012, closed.code());
                assertEquals("gateway restarting", closed.reason());
                times.add(closedAt.get(i).get(30, TimeUnit.SECONDS));
            }
            long spread = times.stream().mapToLong(Long::longValue).max().orElseThrow()
                    - times.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertTrue(spread >= 1_000, "closes spread over the 4 s window, not at one instant: " + times);

            Await.until("the drain finished", Duration.ofSeconds(30),
                    () -> "drained".equals(drainStatus().getString("state")));
            JsonObject drained = drainStatus();
            assertEquals(8, drained.getInt("closed"));
            assertEquals(0, drained.getInt("remaining"));
            assertEquals(503, readiness().statusCode(), "a drained instance stays out until cancelled");
        } finally {
            waiters.shutdownNow();
            clients.forEach(WsClient::close);
            cancelDrain();
        }
        Await.until("ready again after the cancel", Duration.ofSeconds(30), () -> readiness().statusCode() == 200);
        assertEquals("idle", drainStatus().getString("state"));
        try (WsClient again = WsClient.connect(ws("/life/echo"))) {
            again.send("back");
            assertEquals("back", again.nextText());
        }
    }

    @Test
    void cancellingADrainKeepsTheSessionsNotYetClosedAndAcceptsHandshakesAgain() throws Exception {
        List<WsClient> clients = openEchoing(2);
        try {
            // an hour's window: each of the two closes falls in its own half hour, not within this test
            assertEquals(202, admin().as("POST", DRAIN, "{\"windowSeconds\":3600}").statusCode());
            assertEquals(503, RawHttp.handshake(base, "/ws/life/echo").status());

            HttpResponse<String> cancelled = admin().as("DELETE", DRAIN, null);
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            assertEquals("draining", json(cancelled.body()).getString("state"), "the status as it was");

            assertEquals("idle", drainStatus().getString("state"));
            for (WsClient c : clients) {
                c.send("still here");
                assertEquals("still here", c.nextText());
            }
            try (WsClient fresh = WsClient.connect(ws("/life/echo"))) {
                fresh.send("new");
                assertEquals("new", fresh.nextText());
            }
        } finally {
            clients.forEach(WsClient::close);
            cancelDrain();
        }
    }

    @Test
    void aDrainRequestIsValidatedAndASecondOneConflicts() throws Exception {
        try {
            HttpResponse<String> badCode = admin().as("POST", DRAIN, "{\"code\":1000,\"windowSeconds\":-1}");
            assertEquals(400, badCode.statusCode(), badCode.body());
            assertTrue(badCode.body().contains("\"field\":\"code\"") && badCode.body().contains("\"field\":\"windowSeconds\""),
                    badCode.body());
            assertEquals("idle", drainStatus().getString("state"), "a refused request starts nothing");
            assertEquals(403, admin().send("POST", DRAIN, "{}", Admin.NOT_ADMIN).statusCode());
            assertEquals(403, admin().as("POST", DRAIN, "{}", "Origin", "http://evil.example").statusCode(),
                    "a cross-site POST is refused");
            assertEquals("idle", drainStatus().getString("state"));

            assertEquals(202, admin().as("POST", DRAIN, "{\"windowSeconds\":3600}").statusCode());
            assertEquals(409, admin().as("POST", DRAIN, "{}").statusCode());
        } finally {
            cancelDrain();
        }
    }
}
