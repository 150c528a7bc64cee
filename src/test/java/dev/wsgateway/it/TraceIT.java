package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Frame tracing on demand: a traced route's frames, redacted, read over the admin API; the deadline ends it. */
class TraceIT extends GatewayTestBase {
    private static boolean routesCreated;

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            admin().createRoute("trace-echo", "/trace/echo", backend.uri("/echo"), "\"pingIntervalSeconds\":1");
            admin().createRoute("trace-short", "/trace/short", backend.uri("/echo"), "");
            routesCreated = true;
        }
    }

    private static JsonObject object(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    private JsonObject sessionTrace(String route) throws Exception {
        HttpResponse<String> r = admin().as("GET", "/api/admin/routes/" + route + "/trace", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonArray sessions = object(r.body()).getJsonArray("sessions");
        assertEquals(1, sessions.size(), r.body());
        return sessions.getJsonObject(0);
    }

    private static List<JsonObject> frames(JsonObject trace, String direction) {
        return trace.getJsonArray("frames").stream().map(JsonValue::asJsonObject)
                .filter(f -> f.getString("direction").equals(direction)).toList();
    }

    private static String describe(JsonObject f) {
        return f.getString("opcode") + " " + f.getBoolean("first") + " " + f.getBoolean("last") + " "
                + f.getJsonNumber("size").longValue();
    }

    @Test
    void recordsDirectionsOpcodesFragmentFlagsSizesAndRedactsAJsonField() throws Exception {
        HttpResponse<String> started = admin().as("POST", "/api/admin/routes/trace-echo/trace",
                "{\"seconds\":120,\"frames\":50,\"previewBytes\":24,\"redactFields\":[\"pin\"]}");
        assertEquals(200, started.statusCode(), started.body());
        try (WsClient client = WsClient.connect(ws("/trace/echo"))) {
            // 24 bytes of preview end inside the pin's value: it must not show even cut
            String json = "{\"user\":\"ann\",\"pin\":\"4711-0815-secret\"}";
            client.send(json);
            assertEquals(json, client.nextText());
            client.send(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, client.nextBinary());
            client.sendTextPart("frag-", false);
            client.sendTextPart("end", true);
            assertEquals("frag-end", client.nextText());
            client.sendPong(new byte[] {9, 9});

            Await.until("a pong and the gateway's keepalive ping in the trace", Duration.ofSeconds(20), () -> {
                JsonObject t = sessionTrace("trace-echo");
                return frames(t, "clientToBackend").stream().anyMatch(f -> f.getString("opcode").equals("pong"))
                        && t.getJsonArray("frames").stream().map(JsonValue::asJsonObject)
                                .anyMatch(f -> f.getString("opcode").equals("ping") && f.getBoolean("byGateway", false));
            });
            JsonObject trace = sessionTrace("trace-echo");
            List<JsonObject> up = frames(trace, "clientToBackend");
            assertEquals(List.of("text true true " + json.length(), "binary true true 3", "text true false 5",
                            "continuation false true 3", "pong true true 2"),
                    up.stream().filter(f -> !f.getBoolean("byGateway", false)).map(TraceIT::describe)
                            .collect(Collectors.toList()));
            String preview = up.get(0).getString("preview");
            assertEquals("{\"user\":\"ann\",\"pin\":\"***", preview, "redacted before the cut at 24 bytes");
            assertFalse(trace.toString().contains("4711"), trace.toString());
            assertEquals("AQID", up.get(1).getString("previewBase64"));
            assertTrue(frames(trace, "backendToClient").stream().anyMatch(f -> describe(f).equals("binary true true 3")),
                    trace.toString());
        } finally {
            assertEquals(204, admin().as("DELETE", "/api/admin/routes/trace-echo/trace", null).statusCode());
        }
    }

    @Test
    void recordsNothingAfterTheDeadline() throws Exception {
        try (WsClient client = WsClient.connect(ws("/trace/short"))) {
            String session = Json.createReader(new StringReader(
                    admin().as("GET", "/api/admin/sessions?route=trace-short", null).body())).readArray()
                    .getJsonObject(0).getString("id");
            String path = "/api/admin/sessions/" + session + "/trace";
            // short, yet long enough for one echo on a busy machine
            assertEquals(200, admin().as("POST", path, "{\"seconds\":5}").statusCode());
            client.send("before");
            assertEquals("before", client.nextText());
            Await.until("the trace's deadline", Duration.ofSeconds(20),
                    () -> !object(admin().as("GET", path, null).body()).getBoolean("active"));
            client.send("after");
            assertEquals("after", client.nextText());

            JsonObject trace = object(admin().as("GET", path, null).body());
            List<String> previews = trace.getJsonArray("frames").stream()
                    .map(f -> f.asJsonObject().getString("preview", "")).toList();
            assertEquals(List.of("before", "before"), previews, "both ways before the deadline, nothing after");
            assertEquals(2, trace.getJsonNumber("framesRecorded").longValue());
        }
    }

    @Test
    void refusesATraceOutsideTheBoundsWithTheField() throws Exception {
        HttpResponse<String> r = admin().as("POST", "/api/admin/routes/trace-echo/trace",
                "{\"seconds\":0,\"redactPatterns\":[\"(\"]}");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"field\":\"seconds\""), r.body());
        assertTrue(r.body().contains("\"field\":\"redactPatterns[0]\""), r.body());
        assertEquals(404, admin().as("POST", "/api/admin/routes/no-such-route/trace", "{}").statusCode());
        assertEquals(404, admin().as("GET", "/api/admin/sessions/no-such-session/trace", null).statusCode());
    }
}
