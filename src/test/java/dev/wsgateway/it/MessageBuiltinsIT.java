package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.it.RecordingBackend.Received;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

/**
 * The built-in message policies end to end (issue 14): each test makes its own route through the admin API,
 * connects a real client through the real relay to the {@link RecordingBackend}, and asserts what arrived at each
 * hop: the messages and frames the backend received (recorded in order, up to its close), what the client
 * received, and the close codes and reasons on both sides. Where a test must know that nothing more arrives, the
 * sender follows its messages with a pong (client) or a close (backend): the relay forwards either after
 * everything before it, so the recording up to it is all that went through.
 */
class MessageBuiltinsIT extends GatewayTestBase {
    private static final WsClient.Closed PEER_CLOSED_BY_POLICY = new WsClient.Closed(1001, "peer closed by a message policy");

    /** A route {@code /mb/<id>} to the recording backend with these extra fields. */
    private void route(String id, String fields) throws Exception {
        admin().createRoute(id, "/mb/" + id, backend.uri("/record"), fields);
    }

    /** What a client received until its close: the text messages, then the close. */
    private record Drained(List<String> texts, WsClient.Closed closed) {
    }

    private static Drained drain(WsClient client) throws InterruptedException {
        List<String> texts = new ArrayList<>();
        while (true) {
            WsClient.Event e = client.next(30);
            if (e instanceof WsClient.Text t) {
                texts.add(t.text());
            } else if (e instanceof WsClient.Closed c) {
                return new Drained(texts, c);
            } else if (e instanceof WsClient.Failed f) {
                throw new AssertionError("the connection failed instead of closing; texts so far " + texts, f.error());
            }
        }
    }

    private static String closeOf(List<Received> received) {
        Received last = received.get(received.size() - 1);
        assertTrue(last.isClose(), "the recording ends with the close: " + received);
        return last.close().getCloseCode().getCode() + " " + last.close().getReasonPhrase();
    }

    /**
     * Sends a pong after the client's messages and returns what the backend received up to it: the relay keeps the
     * direction's order and message policies do not see pongs, so what came before the pong is all that went
     * through, and the session stays open.
     */
    private static List<Received> upToBarrier(WsClient client, long session) throws Exception {
        client.sendPong("barrier".getBytes(StandardCharsets.UTF_8));
        return RecordingBackend.receivedUntilPong(session, "barrier");
    }

    /** The text messages in a recording (each whole, in one frame), before its close or barrier. */
    private static List<String> wholeTexts(List<Received> received) {
        List<String> texts = new ArrayList<>();
        for (Received r : received) {
            if (!r.isClose() && r.pong() == null) {
                assertTrue(r.last() && r.text() != null, "a whole text message: " + received);
                texts.add(r.text());
            }
        }
        return texts;
    }

    private static void assertBackendClosed(int code, String reason) throws InterruptedException {
        CloseReason atBackend = TestBackend.nextClose();
        assertEquals(code + " " + reason, atBackend.getCloseCode().getCode() + " " + atBackend.getReasonPhrase());
    }

    private String metrics() throws Exception {
        HttpResponse<String> metrics = admin().send("GET", "/metrics", null, "it-metrics:it-metrics-pw");
        assertEquals(200, metrics.statusCode());
        return metrics.body();
    }

    // ---- messageRate ---------------------------------------------------------------------------

    @Test
    void aClientOverItsMessageRateIsClosed1008AndTheBackend1001() throws Exception {
        route("mb-rate-close", "\"messagePolicies\":[{\"type\":\"messageRate\",\"direction\":\"clientToBackend\","
                + "\"messagesPerSecond\":1,\"burst\":2,\"action\":\"close\"}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-rate-close"))) {
            long session = TestBackend.nextOpenedSession();
            int sent = 0;
            try {
                for (int i = 1; i <= 20; i++) {
                    client.send("m-" + i);
                    sent++;
                }
            } catch (Exception closedMeanwhile) {
                // the gateway closed the client: a send after that fails
            }
            assertEquals(new WsClient.Closed(1008, "message rate exceeded"), client.awaitClose());
            List<Received> atBackend = RecordingBackend.receivedUntilClosed(session);
            assertEquals("1001 peer closed by a message policy", closeOf(atBackend));
            List<String> texts = wholeTexts(atBackend);
            assertEquals(List.of("m-1", "m-2"), texts.subList(0, 2), "the burst of 2 went through: " + texts);
            assertTrue(texts.size() < 20, "the rate was crossed before the last of " + sent + " messages: " + texts);
        }
    }

    @Test
    void messagesOverAClientsByteRateAreDroppedAndOnlyTheBurstReachesTheBackend() throws Exception {
        // 1 byte a second: after 3 messages of 1000 bytes the bucket is 500 bytes in debt for the rest of the test
        route("mb-rate-drop", "\"messagePolicies\":[{\"type\":\"messageRate\",\"direction\":\"clientToBackend\","
                + "\"bytesPerSecond\":1,\"bytesBurst\":2500,\"action\":\"drop\"}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-rate-drop"))) {
            long session = TestBackend.nextOpenedSession();
            for (int i = 1; i <= 10; i++) {
                client.send(RecordingBackend.numbered(i, 1000));
            }
            List<Received> atBackend = upToBarrier(client, session);
            assertEquals(List.of(RecordingBackend.numbered(1, 1000), RecordingBackend.numbered(2, 1000),
                    RecordingBackend.numbered(3, 1000)), wholeTexts(atBackend),
                    "only the burst arrived before the client's later pong");
        }
        Pattern dropped = Pattern.compile("ws_gateway_message_policy_verdicts_total\\{direction=\"client_to_backend\","
                + "policy=\"messageRate\",route=\"mb-rate-drop\",verdict=\"drop\"} 7(\\.0)?\\b");
        assertTrue(dropped.matcher(metrics()).find(), "the 7 dropped messages are counted");
    }

    @Test
    void afterDroppingAClientsBurstTheRefilledBucketLetsMessagesThroughAgain() throws Exception {
        route("mb-rate-refill", "\"messagePolicies\":[{\"type\":\"messageRate\",\"direction\":\"clientToBackend\","
                + "\"messagesPerSecond\":1,\"burst\":3}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-rate-refill"))) {
            long session = TestBackend.nextOpenedSession();
            for (int i = 1; i <= 12; i++) {
                client.send("m-" + i);
            }
            AtomicInteger later = new AtomicInteger();
            Await.until("a message sent after the bucket refilled reaches the backend", Duration.ofSeconds(30), () -> {
                client.send("later-" + later.incrementAndGet());
                return RecordingBackend.texts(session).stream().anyMatch(t -> t.startsWith("later-"));
            });
            List<String> texts = wholeTexts(upToBarrier(client, session));
            assertEquals(List.of("m-1", "m-2", "m-3"), texts.subList(0, 3), "the burst went through: " + texts);
            long burstArrived = texts.stream().filter(t -> t.startsWith("m-")).count();
            assertTrue(burstArrived < 12, "messages over the rate were dropped: " + texts);
            assertTrue(texts.get(texts.size() - 1).startsWith("later-"), texts.toString());
            // the ones that arrived are in the order sent, none twice
            List<String> sentOrder = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                sentOrder.add("m-" + i);
            }
            for (int i = 1; i <= later.get(); i++) {
                sentOrder.add("later-" + i);
            }
            int at = -1;
            for (String t : texts) {
                int index = sentOrder.indexOf(t);
                assertTrue(index > at, "in order, once each: " + texts);
                at = index;
            }
        }
    }

    @Test
    void sessionsOfOneApiKeyShareItsByteRateWhileAnotherKeyHasItsOwn() throws Exception {
        route("mb-rate-identity", "\"policies\":[{\"type\":\"apiKey\"}],\"messagePolicies\":[{\"type\":\"messageRate\","
                + "\"direction\":\"clientToBackend\",\"bytesPerSecond\":1,\"bytesBurst\":2500,\"per\":\"identity\"}]");
        String first = createKey("mb rate first", "mb-rate-identity");
        String second = createKey("mb rate second", "mb-rate-identity");
        String message = RecordingBackend.numbered(1, 1000);
        try (WsClient a = WsClient.connect(ws("/mb/mb-rate-identity"), Map.of("X-API-Key", first));
             WsClient b = WsClient.connect(ws("/mb/mb-rate-identity"), Map.of("X-API-Key", first));
             WsClient c = WsClient.connect(ws("/mb/mb-rate-identity"), Map.of("X-API-Key", second))) {
            long sessionA = TestBackend.nextOpenedSession();
            long sessionB = TestBackend.nextOpenedSession();
            long sessionC = TestBackend.nextOpenedSession();
            for (int i = 0; i < 3; i++) {
                a.send(message);
                assertEquals(message, a.nextText(), "the first key's burst of 2500 bytes lets 3 messages start");
            }
            b.send(message); // the first key's bucket is in debt: dropped, although this session sent nothing yet
            c.send(message); // the second key has a bucket of its own
            assertEquals(message, c.nextText());
            assertEquals(3, wholeTexts(upToBarrier(a, sessionA)).size());
            assertEquals(List.of(), wholeTexts(upToBarrier(b, sessionB)));
            assertEquals(List.of(message), wholeTexts(upToBarrier(c, sessionC)));
        }
    }

    /** A new API key for one route; its secret. */
    private String createKey(String name, String routeId) throws Exception {
        HttpResponse<String> created = admin().as("POST", "/api/admin/keys",
                "{\"name\":\"" + name + "\",\"routes\":[\"" + routeId + "\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return Json.createReader(new StringReader(created.body())).readObject().getString("key");
    }

    @Test
    void messagesOverTheBackendsByteRateAreDroppedBeforeTheClient() throws Exception {
        route("mb-rate-out-drop", "\"messagePolicies\":[{\"type\":\"messageRate\",\"direction\":\"backendToClient\","
                + "\"bytesPerSecond\":1,\"bytesBurst\":2500}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-rate-out-drop"))) {
            client.send("!send 10 1000");
            client.send("!close 4000 burst sent");
            Drained drained = drain(client);
            assertEquals(List.of(RecordingBackend.numbered(1, 1000), RecordingBackend.numbered(2, 1000),
                    RecordingBackend.numbered(3, 1000)), drained.texts(), "only the burst reached the client");
            assertEquals(new WsClient.Closed(4000, "burst sent"), drained.closed(),
                    "the backend's close came right after: the other 7 were dropped");
        }
    }

    @Test
    void aBackendOverItsMessageRateIsClosed1008AndTheClient1001() throws Exception {
        route("mb-rate-out-close", "\"messagePolicies\":[{\"type\":\"messageRate\",\"direction\":\"backendToClient\","
                + "\"messagesPerSecond\":1,\"burst\":2,\"action\":\"close\"}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-rate-out-close"))) {
            client.send("!send 20 100");
            Drained drained = drain(client);
            assertEquals(PEER_CLOSED_BY_POLICY, drained.closed());
            assertEquals(List.of(RecordingBackend.numbered(1, 100), RecordingBackend.numbered(2, 100)),
                    drained.texts().subList(0, 2), "the burst reached the client: " + drained.texts().size());
            assertTrue(drained.texts().size() < 20, "closed before the last message: " + drained.texts().size());
            assertBackendClosed(1008, "message rate exceeded");
        }
    }

    // ---- json ----------------------------------------------------------------------------------

    @Test
    void invalidJsonFromTheClientCloses1007AndTheBackend1001AfterValidJsonPassedUnchanged() throws Exception {
        route("mb-json-in", "\"messagePolicies\":[{\"type\":\"json\",\"direction\":\"clientToBackend\"}]");
        String valid = "{\"a\": [1, 2.5, \"x\"],  \"b\": null}";
        try (WsClient client = WsClient.connect(ws("/mb/mb-json-in"))) {
            long session = TestBackend.nextOpenedSession();
            client.send(valid);
            assertEquals(valid, client.nextText(), "the echo of the valid message");
            client.send("{\"a\": 1,}");
            WsClient.Closed closed = client.awaitClose();
            assertEquals(1007, closed.code(), closed.toString());
            assertTrue(closed.reason().startsWith("invalid JSON at line 1, column "), closed.reason());
            List<Received> atBackend = RecordingBackend.receivedUntilClosed(session);
            assertEquals(List.of(valid), wholeTexts(atBackend), "the valid message arrived as sent, the invalid not");
            assertEquals("1001 peer closed by a message policy", closeOf(atBackend));
        }
    }

    @Test
    void invalidJsonFromTheBackendCloses1007ToTheBackendAnd1001ToTheClient() throws Exception {
        route("mb-json-out", "\"messagePolicies\":[{\"type\":\"json\",\"direction\":\"backendToClient\"}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-json-out"))) {
            client.send("[true, {\"k\": \"v\"}]");
            assertEquals("[true, {\"k\": \"v\"}]", client.nextText());
            client.send("not json"); // the client's side is not checked: the backend's echo is
            assertEquals(PEER_CLOSED_BY_POLICY, client.awaitClose());
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(1007, atBackend.getCloseCode().getCode(), atBackend.toString());
            assertTrue(atBackend.getReasonPhrase().startsWith("invalid JSON at line 1, column "), atBackend.toString());
        }
    }

    // ---- jsonSchema ----------------------------------------------------------------------------

    private static final String CHAT_SCHEMA = "{\"type\":\"object\",\"required\":[\"type\"],\"properties\":{"
            + "\"type\":{\"enum\":[\"chat\",\"join\"]},"
            + "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/item\"}}},"
            + "\"$defs\":{\"item\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
            + "\"required\":[\"name\"]}}}";

    @Test
    void aSchemaViolationFromTheClientCloses1008WithItsPointerAfterAValidMessagePassed() throws Exception {
        route("mb-schema-in", "\"messagePolicies\":[{\"type\":\"jsonSchema\",\"direction\":\"clientToBackend\","
                + "\"schema\":" + CHAT_SCHEMA + "}]");
        String valid = "{\"type\":\"chat\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}";
        try (WsClient client = WsClient.connect(ws("/mb/mb-schema-in"))) {
            long session = TestBackend.nextOpenedSession();
            client.send(valid);
            assertEquals(valid, client.nextText());
            client.send("{\"type\":\"chat\",\"items\":[{\"name\":\"a\"},{\"name\":2}]}");
            assertEquals(new WsClient.Closed(1008, "/items/1/name: integer found, string expected"), client.awaitClose());
            List<Received> atBackend = RecordingBackend.receivedUntilClosed(session);
            assertEquals(List.of(valid), wholeTexts(atBackend));
            assertEquals("1001 peer closed by a message policy", closeOf(atBackend));
        }
    }

    @Test
    void aViolationWithALongPointerIsCutTo123BytesOfUtf8() throws Exception {
        String name = "\u00fc".repeat(55); // 110 bytes of UTF-8: pointer and message together are longer than 123
        route("mb-schema-long", "\"messagePolicies\":[{\"type\":\"jsonSchema\",\"direction\":\"clientToBackend\","
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"" + name + "\":{\"type\":\"string\"}}}}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-schema-long"))) {
            client.send("{\"" + name + "\": 5}");
            WsClient.Closed closed = client.awaitClose();
            assertEquals(1008, closed.code(), closed.toString());
            assertTrue(closed.reason().startsWith("/" + name + ": "), closed.reason());
            int bytes = closed.reason().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= 123 && bytes >= 120, "cut to (about) 123 bytes: " + bytes);
            assertBackendClosed(1001, "peer closed by a message policy");
        }
    }

    @Test
    void aSchemaViolationFromTheBackendCloses1008ToTheBackendAnd1001ToTheClient() throws Exception {
        route("mb-schema-out", "\"messagePolicies\":[{\"type\":\"jsonSchema\",\"direction\":\"backendToClient\","
                + "\"schema\":" + CHAT_SCHEMA + "}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-schema-out"))) {
            client.send("{\"type\":\"join\"}");
            assertEquals("{\"type\":\"join\"}", client.nextText());
            client.send("{\"text\":\"no type\"}");
            assertEquals(PEER_CLOSED_BY_POLICY, client.awaitClose());
            assertBackendClosed(1008, "(root): required property 'type' not found");
        }
    }

    // ---- inject --------------------------------------------------------------------------------

    @Test
    void theBackendReceivesTheKeysPrincipalAndTheRouteInsteadOfTheClientsForgedUser() throws Exception {
        route("mb-inject", "\"policies\":[{\"type\":\"apiKey\"}],\"messagePolicies\":[{\"type\":\"inject\","
                + "\"direction\":\"clientToBackend\",\"fields\":{\"user\":\"principal\",\"route\":\"routeId\"}}]");
        String key = createKey("mb inject client", "mb-inject");
        try (WsClient client = WsClient.connect(ws("/mb/mb-inject"), Map.of("X-API-Key", key))) {
            long session = TestBackend.nextOpenedSession();
            client.send("{\"user\":\"mallory\",\"text\":\"hi\"}");
            String expected = "{\"text\":\"hi\",\"user\":\"mb inject client\",\"route\":\"mb-inject\"}";
            assertEquals(expected, client.nextText(), "the backend's echo");
            assertEquals(List.of(expected), RecordingBackend.texts(session), "what the backend received");
            client.send("[\"not an object\"]");
            assertEquals(new WsClient.Closed(1008, "inject: a message must be a JSON object"), client.awaitClose());
            assertBackendClosed(1001, "peer closed by a message policy");
        }
    }

    @Test
    void aForgedGatewayObjectIsReplacedWholeWithTheBasicUsersValues() throws Exception {
        String user = "mb-alice";
        String password = "pw-" + UUID.randomUUID();
        HttpResponse<String> made = admin().as("PUT", "/api/admin/basic-users/" + user,
                "{\"password\":\"" + password + "\"}");
        assertTrue(made.statusCode() == 201 || made.statusCode() == 200, made.statusCode() + " " + made.body());
        route("mb-inject-into", "\"policies\":[{\"type\":\"basic\"}],\"messagePolicies\":[{\"type\":\"inject\","
                + "\"direction\":\"clientToBackend\",\"fields\":{\"user\":\"principal\",\"method\":\"method\"},"
                + "\"into\":\"_gateway\"}]");
        String authorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try (WsClient client = WsClient.connect(ws("/mb/mb-inject-into"), Map.of("Authorization", authorization))) {
            long session = TestBackend.nextOpenedSession();
            client.send("{\"_gateway\":{\"user\":\"mallory\",\"admin\":true},\"text\":\"hi\",\"n\":[1,2]}");
            String expected = "{\"text\":\"hi\",\"n\":[1,2],\"_gateway\":{\"user\":\"mb-alice\",\"method\":\"basic\"}}";
            assertEquals(expected, client.nextText());
            assertEquals(List.of(expected), RecordingBackend.texts(session));
        }
    }

    @Test
    void injectOnTheBackendsMessagesStampsWhatTheClientReceivesAndLeavesTheBackendsInputAlone() throws Exception {
        route("mb-inject-out", "\"messagePolicies\":[{\"type\":\"inject\",\"direction\":\"backendToClient\","
                + "\"fields\":{\"route\":\"routeId\",\"user\":\"principal\"}}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-inject-out"))) {
            long session = TestBackend.nextOpenedSession();
            String sent = "{\"text\":\"x\",\"route\":\"forged\"}";
            client.send(sent);
            assertEquals("{\"text\":\"x\",\"route\":\"mb-inject-out\",\"user\":null}", client.nextText(),
                    "no principal on an open route: the field is there, null");
            assertEquals(List.of(sent), RecordingBackend.texts(session), "the client's message went on unchanged");
        }
    }

    // ---- denyPattern ---------------------------------------------------------------------------

    private static final String PATTERNS = "\"patterns\":[\"(?i)drop\\\\s+table\",\"<script\"]";

    @Test
    void aClientMessageMatchingADeniedPatternCloses1008AndANonMatchingOnePasses() throws Exception {
        route("mb-deny-in", "\"messagePolicies\":[{\"type\":\"denyPattern\",\"direction\":\"clientToBackend\","
                + PATTERNS + "}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-deny-in"))) {
            long session = TestBackend.nextOpenedSession();
            client.send("select * from tables");
            assertEquals("select * from tables", client.nextText());
            client.send("please DROP \t TABLE users");
            assertEquals(new WsClient.Closed(1008, "message matches denied pattern 0"), client.awaitClose());
            List<Received> atBackend = RecordingBackend.receivedUntilClosed(session);
            assertEquals(List.of("select * from tables"), wholeTexts(atBackend));
            assertEquals("1001 peer closed by a message policy", closeOf(atBackend));
        }
    }

    @Test
    void aClientMessageMatchingADeniedPatternIsDroppedWithActionDrop() throws Exception {
        route("mb-deny-drop", "\"messagePolicies\":[{\"type\":\"denyPattern\",\"direction\":\"clientToBackend\","
                + PATTERNS + ",\"action\":\"drop\"}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-deny-drop"))) {
            long session = TestBackend.nextOpenedSession();
            client.send("<script>alert(1)</script>");
            client.send("hello");
            assertEquals("hello", client.nextText(), "the denied message was never echoed: it never arrived");
            assertEquals(List.of("hello"), wholeTexts(upToBarrier(client, session)));
        }
    }

    @Test
    void aBackendMessageMatchingADeniedPatternCloses1008ToTheBackendAnd1001ToTheClient() throws Exception {
        route("mb-deny-out", "\"messagePolicies\":[{\"type\":\"denyPattern\",\"direction\":\"backendToClient\","
                + PATTERNS + "}]");
        try (WsClient client = WsClient.connect(ws("/mb/mb-deny-out"))) {
            long session = TestBackend.nextOpenedSession();
            client.send("a harmless line");
            assertEquals("a harmless line", client.nextText());
            client.send("x <script src=evil>"); // passes towards the backend; its echo does not come back
            assertEquals(PEER_CLOSED_BY_POLICY, client.awaitClose());
            assertBackendClosed(1008, "message matches denied pattern 1");
            assertEquals(List.of("a harmless line", "x <script src=evil>"), RecordingBackend.texts(session));
        }
    }

    // ---- buffering only where a whole-message policy runs ---------------------------------------

    @Test
    void aFragmentedTextMessageArrivesAssembledInOneFrameOnlyWhereAWholeMessagePolicyRuns() throws Exception {
        route("mb-assemble", "\"messagePolicies\":[{\"type\":\"json\",\"direction\":\"clientToBackend\"}]");
        route("mb-stream", "\"messagePolicies\":[{\"type\":\"messageSize\",\"direction\":\"clientToBackend\","
                + "\"maxBytes\":1000}]");
        String[] parts = {"{\"a\":", "[1,2,", "3]}"};
        try (WsClient client = WsClient.connect(ws("/mb/mb-assemble"))) {
            long session = TestBackend.nextOpenedSession();
            for (int i = 0; i < parts.length; i++) {
                client.sendTextPart(parts[i], i == parts.length - 1);
            }
            assertEquals("{\"a\":[1,2,3]}", client.nextText());
            assertEquals("[text '{\"a\":[1,2,3]}', pong barrier]", upToBarrier(client, session).toString(),
                    "one frame with the whole message");
        }
        try (WsClient client = WsClient.connect(ws("/mb/mb-stream"))) {
            long session = TestBackend.nextOpenedSession();
            for (int i = 0; i < parts.length; i++) {
                client.sendTextPart(parts[i], i == parts.length - 1);
            }
            assertEquals("{\"a\":[1,2,3]}", client.nextText());
            assertEquals("[text '{\"a\":' (part), text '[1,2,' (part), text '3]}', pong barrier]",
                    upToBarrier(client, session).toString(), "the frames as the client sent them");
        }
        JsonObject view = Json.createReader(new StringReader(
                admin().as("GET", "/api/admin/routes/mb-assemble/policies", null).body())).readObject();
        JsonObject toBackend = view.getJsonObject("messagePolicies").getJsonObject("clientToBackend");
        assertTrue(toBackend.getBoolean("assembles"), toBackend.toString());
        assertEquals("message", toBackend.getJsonArray("policies").getJsonObject(0).getString("phase"));
        assertFalse(view.getJsonObject("messagePolicies").getJsonObject("backendToClient").getBoolean("assembles"));
    }

    @Test
    void aClientMessageOverTheAssemblyLimitCloses1009AndTheBackend1001WithNothingOfItForwarded() throws Exception {
        route("mb-assemble-limit", "\"messagePolicies\":[{\"type\":\"json\",\"direction\":\"clientToBackend\"}],"
                + "\"maxBufferedMessageBytes\":1024");
        try (WsClient client = WsClient.connect(ws("/mb/mb-assemble-limit"))) {
            long session = TestBackend.nextOpenedSession();
            client.sendTextPart("{\"p\":\"" + "x".repeat(600), false);
            client.sendTextPart("x".repeat(600) + "\"}", true);
            assertEquals(new WsClient.Closed(1009, "message too big"), client.awaitClose());
            assertEquals("[close 1001 peer sent a message that was too big]",
                    RecordingBackend.receivedUntilClosed(session).toString());
        }
    }

    @Test
    void aBackendMessageOverTheAssemblyLimitCloses1009ToTheBackendAnd1001ToTheClient() throws Exception {
        route("mb-assemble-limit-out", "\"messagePolicies\":[{\"type\":\"json\",\"direction\":\"backendToClient\"}],"
                + "\"maxBufferedMessageBytes\":1024");
        try (WsClient client = WsClient.connect(ws("/mb/mb-assemble-limit-out"))) {
            client.send("!send 1 2000");
            Drained drained = drain(client);
            assertEquals(List.of(), drained.texts());
            assertEquals(new WsClient.Closed(1001, "peer sent a message that was too big"), drained.closed());
            assertBackendClosed(1009, "message too big");
        }
    }
}
