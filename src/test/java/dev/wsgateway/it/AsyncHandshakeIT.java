package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handshakes wait for their backends without holding a request thread (servlet async processing), so the
 * limit on waiting handshakes is a count in the hundreds or thousands, not the server's thread pool. The ITs
 * run the gateway with gateway.handshake.max-waiting-per-route=320 and max-waiting=1000 (arquillian.xml).
 * Payara cannot upgrade after async processing (edge/AsyncUpgrade): there handshakes wait on request threads
 * under the thread-sized limits (gateway.handshake.max-waiting-on-threads-per-route, 16), as the build says.
 */
class AsyncHandshakeIT extends GatewayTestBase {
    private static final boolean HOLD_THREADS = Boolean.getBoolean("gateway.it.handshakes-hold-threads");
    private static final int ROUTE_SHARE = HOLD_THREADS ? 16 : 320;
    /** Long enough that all of a burst is waiting before the first of it times out, even on a loaded machine. */
    private static final int SILENT_TIMEOUT_MILLIS = 10_000;
    /** Accepts TCP connections (the kernel does, for up to 1000) and never answers: a hanging backend. */
    private static ServerSocket silent;
    private static SlowBackend slow;
    private static SlowBackend slowAnswering;
    private static boolean routesCreated;

    @BeforeAll
    static void startBackends() throws Exception {
        silent = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        slow = SlowBackend.delaying(backend.uri("/echo"), 1000);
        slowAnswering = SlowBackend.answeringAfter(1000);
    }

    @AfterAll
    static void stopBackends() throws Exception {
        silent.close();
        slow.close();
        slowAnswering.close();
    }

    private void routes() throws Exception {
        if (routesCreated) {
            return;
        }
        Admin admin = admin();
        admin.createRoute("ah-slow", "/ah/slow", slow.uri("/echo"), "");
        // a 1 s answer, and room for a loaded machine: the point is that none is refused for want of threads
        admin.createRoute("ah-slow-many", "/ah/slow-many", slowAnswering.uri("/x"), "\"connectTimeoutMillis\":10000");
        admin.createRoute("ah-hanging", "/ah/hanging", "ws://127.0.0.1:" + silent.getLocalPort() + "/x",
                "\"connectTimeoutMillis\":" + SILENT_TIMEOUT_MILLIS);
        admin.createRoute("ah-ok", "/ah/ok", backend.uri("/echo"), "");
        routesCreated = true;
    }

    @Test
    void aClientOfABackendThatTakesASecondRelaysOnceItAnswered() throws Exception {
        routes();
        try (WsClient client = WsClient.connect(ws("/ah/slow"))) {
            client.send("after the wait");
            assertEquals("after the wait", client.nextText());
        }
    }

    /** Far more than the server's request threads (WildFly: 16 per core) wait at once, and none is refused. */
    @Test
    void threeHundredConcurrentHandshakesToABackendThatTakesASecondAllSucceed() throws Exception {
        assumeFalse(HOLD_THREADS, "on this server handshakes wait for their backends on request threads");
        routes();
        int n = 300;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CompletionService<Integer> handshakes = new ExecutorCompletionService<>(pool);
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                handshakes.submit(() -> RawHttp.handshake(base, "/ws/ah/slow-many").status());
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                statuses.merge(handshakes.take().get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(Map.of(101, n), statuses, "statuses of " + n + " handshakes (took " + tookMillis + " ms)");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHangingBackendGets504AtItsConnectTimeoutAnd503BeyondItsShareWhileOtherRoutesWork() throws Exception {
        routes();
        int over = 10;
        ExecutorService pool = Executors.newFixedThreadPool(ROUTE_SHARE + over);
        try {
            CompletionService<long[]> hanging = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < ROUTE_SHARE + over; i++) {
                hanging.submit(() -> {
                    long started = System.nanoTime();
                    int status = RawHttp.handshake(base, "/ws/ah/hanging").status();
                    return new long[] {status, (System.nanoTime() - started) / 1_000_000};
                });
            }
            // While the route's share waits for its backend, other routes are served.
            assertEquals(101, RawHttp.handshake(base, "/ws/ah/ok").status(), "another route is still served");
            try (WsClient client = WsClient.connect(ws("/ah/ok"))) {
                client.send("still relaying");
                assertEquals("still relaying", client.nextText());
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> outOfTime = new ArrayList<>();
            for (int i = 0; i < ROUTE_SHARE + over; i++) {
                long[] r = hanging.take().get(60, TimeUnit.SECONDS);
                statuses.merge((int) r[0], 1, Integer::sum);
                boolean inTime = r[0] == 503 ? r[1] < SILENT_TIMEOUT_MILLIS : r[1] >= SILENT_TIMEOUT_MILLIS - 100;
                if (!inTime) {
                    outOfTime.add(r[0] + " after " + r[1] + " ms");
                }
            }
            // Those over the route's share are refused at once; the share waits out the connect timeout.
            assertEquals(Map.of(503, over, 504, ROUTE_SHARE), statuses);
            assertTrue(outOfTime.isEmpty(), "503 before the connect timeout, 504 at it; not: " + outOfTime);
            // The share is given back: the route accepts a waiting handshake again.
            assertEquals(504, RawHttp.handshake(base, "/ws/ah/hanging").status());
        } finally {
            pool.shutdownNow();
        }
    }
}
