package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rejected handshakes are real HTTP responses, seen by a raw HTTP client, with no internals in them. */
class HandshakeIT extends GatewayTestBase {
    /** Accepts TCP connections and never answers: a backend that hangs in the handshake. */
    private static ServerSocket silent;
    private static boolean routesCreated;

    @BeforeAll
    static void startSilentBackend() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stopSilentBackend() throws Exception {
        silent.close();
    }

    private void routes() throws Exception {
        if (routesCreated) {
            return;
        }
        Admin admin = admin();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        admin.createRoute("hs-refused", "/hs/refused", "ws://127.0.0.1:" + closedPort + "/nothing", "");
        admin.createRoute("hs-404", "/hs/wrongpath", backend.uri("/no-such-endpoint"), "");
        admin.createRoute("hs-silent", "/hs/silent", "ws://127.0.0.1:" + silent.getLocalPort() + "/x",
                "\"connectTimeoutMillis\":1500");
        admin.createRoute("hs-disabled", "/hs/disabled", backend.uri("/echo"), "\"enabled\":false");
        admin.createRoute("hs-ok", "/hs/ok", backend.uri("/echo"), "");
        routesCreated = true;
    }

    @Test
    void anUnknownRouteIs404() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.handshake(base, "/ws/hs/nothing-here");
        assertEquals(404, response.status());
        assertTrue(response.body().contains("\"status\":404"), response.body());
        // Payara's HTTP layer drops the Content-Type of any answer to a request with an Upgrade header
        // (README, compatibility); the build says whether this server keeps it.
        if (!Boolean.getBoolean("gateway.it.upgrade-answers-lose-content-type")) {
            assertEquals("application/problem+json", response.header("Content-Type"));
        }
    }

    @Test
    void aDisabledRouteIs404() throws Exception {
        routes();
        assertEquals(404, RawHttp.handshake(base, "/ws/hs/disabled").status());
    }

    @Test
    void aRefusedBackendConnectionIs502WithoutTheBackendAddress() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.handshake(base, "/ws/hs/refused");
        assertEquals(502, response.status());
        assertNoInternals(response);
    }

    @Test
    void aBackendThatRefusesTheHandshakeIs502() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.handshake(base, "/ws/hs/wrongpath");
        assertEquals(502, response.status());
        assertNoInternals(response);
    }

    @Test
    void aBackendThatDoesNotAnswerInTimeIs504() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.handshake(base, "/ws/hs/silent");
        assertEquals(504, response.status());
        assertNoInternals(response);
    }

    @Test
    void aPlainGetOnARouteIs426WithTheUpgradeHeader() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.exchange(base,
                "GET /ws/hs/ok HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n");
        assertEquals(426, response.status());
        assertEquals("websocket", response.header("Upgrade"));
    }

    @Test
    void dotSegmentsCannotWalkOutOfTheBackendPath() throws Exception {
        routes();
        assertEquals(400, RawHttp.handshake(base, "/ws/hs/ok/../../admin").status());
        assertEquals(400, RawHttp.handshake(base, "/ws/hs/ok/%2e%2e/x").status());
    }

    @Test
    void theInternalRelayPathCannotBeUsedDirectly() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.handshake(base, "/_gateway/relay");
        assertTrue(response.status() == 403 || response.status() == 404, "status " + response.status());
    }

    @Test
    void anAcceptedHandshakeIs101() throws Exception {
        routes();
        assertEquals(101, RawHttp.handshake(base, "/ws/hs/ok").status());
    }

    @Test
    void aHandshakeWithoutAKeyIs400() throws Exception {
        routes();
        RawHttp.Response response = RawHttp.exchange(base, "GET /ws/hs/ok HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertEquals(400, response.status());
    }

    private static void assertNoInternals(RawHttp.Response response) {
        String all = response.head() + response.body();
        assertFalse(all.contains("127.0.0.1:"), "no backend address in: " + all);
        assertFalse(all.contains("Exception"), "no stack trace in: " + all);
        assertFalse(all.contains("at dev."), "no stack trace in: " + all);
    }
}
