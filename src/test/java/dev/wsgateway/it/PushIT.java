package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An administrator's push into a live session, to either side, at a message boundary. */
class PushIT extends GatewayTestBase {
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            admin().createRoute("push-echo", "/push/echo", backend.uri("/echo"), "");
            routesCreated = true;
        }
    }

    private String onlySession() throws Exception {
        JsonArray sessions = Json.createReader(new StringReader(
                admin().as("GET", "/api/admin/sessions?route=push-echo", null).body())).readArray();
        assertEquals(1, sessions.size(), sessions.toString());
        return sessions.getJsonObject(0).getString("id");
    }

    private HttpResponse<String> push(String session, String body) throws Exception {
        return admin().as("POST", "/api/admin/sessions/" + session + "/messages", body);
    }

    /** Sends the push from another thread: its answer comes only once the message is at a boundary. */
    private CompletableFuture<HttpResponse<String>> pushLater(String session, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return push(session, body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newSingleThreadExecutor());
    }

    private int pushesWaiting(String session) throws Exception {
        return Json.createReader(new StringReader(admin().as("GET", "/api/admin/sessions/" + session, null).body()))
                .readObject().getInt("pushesWaiting");
    }

    @Test
    void aTextPushReachesTheClient() throws Exception {
        try (WsClient client = WsClient.connect(ws("/push/echo"))) {
            HttpResponse<String> r = push(onlySession(), "{\"to\":\"client\",\"text\":\"from the operator\"}");

            assertEquals(202, r.statusCode(), r.body());
            assertEquals("from the operator", client.nextText());
        }
    }

    @Test
    void aBinaryPushReachesTheBackend() throws Exception {
        try (WsClient client = WsClient.connect(ws("/push/echo"))) {
            HttpResponse<String> r = push(onlySession(), "{\"to\":\"backend\",\"binaryBase64\":\"AQID\"}");

            assertEquals(202, r.statusCode(), r.body());
            assertArrayEquals(new byte[] {1, 2, 3}, client.nextBinary(), "the backend echoed what it got");
        }
    }

    @Test
    void aPushToTheBackendWaitsForTheFragmentedMessageUnderWay() throws Exception {
        pushWaitsForTheEndOfAFragmentedMessage("backend");
    }

    @Test
    void aPushToTheClientWaitsForTheFragmentedMessageUnderWay() throws Exception {
        pushWaitsForTheEndOfAFragmentedMessage("client");
    }

    /**
     * The client sends the first fragment (the backend echoes it, so a fragmented message is under way both
     * ways), the push waits, the client sends the last fragment: the client sees the whole echo, then the push
     * (directly, or echoed by the backend).
     */
    private void pushWaitsForTheEndOfAFragmentedMessage(String to) throws Exception {
        try (WsClient client = WsClient.connect(ws("/push/echo"))) {
            String session = onlySession();
            client.sendTextPart("first-", false);
            Await.until("the echo's first fragment went to the client", Duration.ofSeconds(10),
                    () -> client.partsReceived == 1);
            CompletableFuture<HttpResponse<String>> pushed =
                    pushLater(session, "{\"to\":\"" + to + "\",\"text\":\"pushed\"}");
            Await.until("the push waits for the message's end", Duration.ofSeconds(10),
                    () -> pushesWaiting(session) == 1);

            client.sendTextPart("last", true);

            assertEquals(202, pushed.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals("first-last", client.nextText());
            assertEquals("pushed", client.nextText());
        }
    }

    @Test
    void aCrossSitePushIsRefusedAndSendsNothing() throws Exception {
        try (WsClient client = WsClient.connect(ws("/push/echo"))) {
            String session = onlySession();
            HttpResponse<String> forged = admin().as("POST", "/api/admin/sessions/" + session + "/messages",
                    "{\"to\":\"client\",\"text\":\"forged\"}", "Origin", "http://evil.example",
                    "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors");
            assertEquals(403, forged.statusCode(), forged.body());

            assertEquals(202, push(session, "{\"to\":\"client\",\"text\":\"genuine\"}").statusCode());
            assertEquals("genuine", client.nextText(), "the forged push was not sent before it");
        }
    }

    @Test
    void refusesABadBodyAndAnUnknownSession() throws Exception {
        try (WsClient client = WsClient.connect(ws("/push/echo"))) {
            String session = onlySession();
            HttpResponse<String> r = push(session, "{\"to\":\"server\",\"binaryBase64\":\"not base64!\"}");

            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("\"field\":\"to\"") && r.body().contains("\"field\":\"binaryBase64\""),
                    r.body());
            assertEquals(404, push("no-such-session", "{\"to\":\"client\",\"text\":\"x\"}").statusCode());
        }
    }
}
