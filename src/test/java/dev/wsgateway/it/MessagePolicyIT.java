package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Message policies end to end (issue 14): routes made through the admin API with {@code messagePolicies}, real
 * clients and the real echo backend. The streaming phase with the messageSize built-in in each direction, that a
 * route with only frame policies keeps relaying fragments as fragments, and the admin view of the chains.
 */
class MessagePolicyIT extends GatewayTestBase {
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            Admin admin = admin();
            admin.createRoute("mp-size-in", "/mp/size-in", backend.uri("/echo"),
                    "\"messagePolicies\":[{\"type\":\"messageSize\",\"direction\":\"clientToBackend\",\"maxBytes\":1000}]");
            admin.createRoute("mp-size-out", "/mp/size-out", backend.uri("/echo"),
                    "\"messagePolicies\":[{\"type\":\"messageSize\",\"direction\":\"backendToClient\",\"maxBytes\":1000}]");
            admin.createRoute("mp-size-both", "/mp/size-both", backend.uri("/echo"),
                    "\"messagePolicies\":[{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":1048576}]");
            routesCreated = true;
        }
    }

    @Test
    void aClientMessageOverItsSizeLimitCloses1009ToTheClientAnd1001ToTheBackend() throws Exception {
        try (WsClient client = WsClient.connect(ws("/mp/size-in"))) {
            client.send(new byte[1000]);
            assertEquals(1000, client.nextBinary().length, "at the limit it passes, both ways");
            client.send(new byte[1001]);
            assertEquals(new WsClient.Closed(1009, "message larger than 1000 bytes"), client.awaitClose());
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(1001, atBackend.getCloseCode().getCode(), atBackend.toString());
        }
        HttpResponse<String> metrics = admin().send("GET", "/metrics", null, "it-metrics:it-metrics-pw");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("ws_gateway_message_policy_verdicts_total{direction=\"client_to_backend\","
                + "policy=\"messageSize\",route=\"mp-size-in\",verdict=\"close\"}"), "the close verdict is counted");
        // counted once both sides confirmed the close, which may come just after the backend saw it
        Await.until("the session's end names the policy as its cause", java.time.Duration.ofSeconds(10), () -> admin()
                .send("GET", "/metrics", null, "it-metrics:it-metrics-pw").body()
                .contains("ws_gateway_sessions_closed_total{cause=\"policy\",route=\"mp-size-in\"}"));
    }

    @Test
    void aBackendMessageOverItsSizeLimitCloses1009ToTheBackendAnd1001ToTheClient() throws Exception {
        try (WsClient client = WsClient.connect(ws("/mp/size-out"))) {
            client.send(new byte[4000]);
            assertEquals(new WsClient.Closed(1001, "peer closed by a message policy"), client.awaitClose(),
                    "the 4000-byte echo crossed the backend-to-client limit");
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(1009, atBackend.getCloseCode().getCode(), atBackend.toString());
            assertEquals("message larger than 1000 bytes", atBackend.getReasonPhrase());
        }
    }

    @Test
    void theBackendsOversizedFrameIsRefusedWhileTheClientsPassesOnABackendToClientLimit() throws Exception {
        try (WsClient client = WsClient.connect(ws("/mp/size-out"))) {
            client.send("!frame 999");
            assertEquals(999, client.nextBinary().length);
            client.send("!frame 1001");
            assertEquals(1001, client.awaitClose().code());
            assertEquals(1009, TestBackend.nextClose().getCloseCode().getCode());
        }
    }

    @Test
    void aRouteWithOnlyFramePoliciesRelaysAFragmentedMessageAsFragments() throws Exception {
        byte[] message = new byte[256 * 1024];
        new Random(3).nextBytes(message);
        int fragment = 16 * 1024;
        try (WsClient client = WsClient.connect(ws("/mp/size-both"))) {
            for (int off = 0; off < message.length; off += fragment) {
                client.sendPart(Arrays.copyOfRange(message, off, off + fragment), off + fragment >= message.length);
            }
            assertArrayEquals(message, client.nextBinary());
            // The echo backend sends back each part it got as a part: as many parts means nothing was assembled.
            assertTrue(client.partsReceived >= message.length / fragment,
                    "the message reached the backend and came back in fragments: " + client.partsReceived + " parts");
        }
    }

    @Test
    void thePoliciesViewShowsEachFlowsMessageChainWithItsPhase() throws Exception {
        HttpResponse<String> response = admin().as("GET", "/api/admin/routes/mp-size-in/policies", null);
        assertEquals(200, response.statusCode(), response.body());
        JsonObject view = Json.createReader(new StringReader(response.body())).readObject();
        assertFalse(view.getJsonArray("policies").isEmpty(), "the handshake chain is still there");
        JsonObject toBackend = view.getJsonObject("messagePolicies").getJsonObject("clientToBackend");
        JsonArray chain = toBackend.getJsonArray("policies");
        assertEquals(1, chain.size(), chain.toString());
        assertEquals("messageSize", chain.getJsonObject(0).getString("type"));
        assertEquals("frame", chain.getJsonObject(0).getString("phase"));
        assertEquals(1000, chain.getJsonObject(0).getJsonObject("settings").getInt("maxBytes"));
        assertFalse(toBackend.getBoolean("assembles"), "a frame policy does not make the flow assemble");
        assertTrue(view.getJsonObject("messagePolicies").getJsonObject("backendToClient").getJsonArray("policies")
                .isEmpty());
    }

    @Test
    void aRouteWithABadMessagePolicyEntryIsRefusedWithTheField() throws Exception {
        HttpResponse<String> bad = admin().as("POST", "/api/admin/routes", "{\"id\":\"mp-bad\",\"path\":\"/mp/bad\","
                + "\"backend\":\"" + backend.uri("/echo") + "\",\"messagePolicies\":[{\"type\":\"messageSize\","
                + "\"maxBytes\":1000},{\"type\":\"messageSize\",\"direction\":\"backendToClient\",\"maxBytes\":0}]}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("messagePolicies[0].direction"), bad.body());
        assertTrue(bad.body().contains("messagePolicies[1].maxBytes"), bad.body());
        assertEquals(404, admin().as("GET", "/api/admin/routes/mp-bad", null).statusCode());
    }
}
