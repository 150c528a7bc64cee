package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What an operator sees on the real server: /metrics, the access log, the session API, route stats. */
class OperationsIT extends GatewayTestBase {
    private static final String METRICS_USER = "it-metrics:it-metrics-pw";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static JsonObject object(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    private static JsonArray array(String body) {
        return Json.createReader(new StringReader(body)).readArray();
    }

    /** Every sample of a Prometheus text scrape, keyed by name and its labels in name order. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = admin().send("GET", "/metrics", null, METRICS_USER);
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.find(), "not a Prometheus sample line: " + line);
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.put(m.group(1) + labels, Double.parseDouble(m.group(4)));
        }
        return samples;
    }

    private static double value(Map<String, Double> samples, String name, String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return samples.getOrDefault(name + map, 0.0);
    }

    @Test
    void metricsNeedTheAdminOrTheMetricsRole() throws Exception {
        assertEquals(401, admin().send("GET", "/metrics", null, null).statusCode());
        assertEquals(403, admin().send("GET", "/metrics", null, Admin.NOT_ADMIN).statusCode());
        HttpResponse<String> scraper = admin().send("GET", "/metrics", null, METRICS_USER);
        assertEquals(200, scraper.statusCode());
        assertTrue(scraper.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertTrue(scraper.body().contains("# TYPE jvm_memory_used_bytes gauge"), scraper.body());
        assertEquals(200, admin().as("GET", "/metrics", null).statusCode());
        assertEquals(403, admin().send("GET", "/api/admin/routes", null, METRICS_USER).statusCode(),
                "the metrics role is read-only: no admin API");
        HttpResponse<String> open = admin().send("GET", "/metrics", null, METRICS_USER,
                "Accept", "application/openmetrics-text; version=1.0.0");
        assertTrue(open.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(open.body().trim().endsWith("# EOF"));
    }

    @Test
    void countersMatchWhatAClientSentAndReceived() throws Exception {
        admin().createRoute("ops-count", "/ops-count", backend.uri("/echo"), "");
        admin().createRoute("ops-keyed", "/ops-keyed", backend.uri("/echo"), "\"policies\":[{\"type\":\"apiKey\"}]");
        assertEquals(401, RawHttp.handshake(base, "/ws/ops-keyed").status());
        try (WsClient client = WsClient.connect(ws("/ops-count"))) {
            for (int i = 1; i <= 4; i++) {
                client.send("m" + i);
                assertEquals("m" + i, client.nextText());
            }
            Map<String, Double> live = scrape();
            assertEquals(1, value(live, "ws_gateway_sessions_live", "route", "ops-count"));
            assertEquals(4, value(live, "ws_gateway_messages_total", "route", "ops-count", "direction", "client_to_backend"));
            client.close(4001, "done");
            client.awaitClose();
        }
        Await.until("the session's close is counted", Duration.ofSeconds(10), () -> value(scrape(),
                "ws_gateway_closes_total", "route", "ops-count", "side", "client", "code", "4001") == 1);
        Map<String, Double> m = scrape();
        assertEquals(0, value(m, "ws_gateway_sessions_live", "route", "ops-count"));
        assertEquals(4, value(m, "ws_gateway_messages_total", "route", "ops-count", "direction", "client_to_backend"));
        assertEquals(4, value(m, "ws_gateway_messages_total", "route", "ops-count", "direction", "backend_to_client"));
        assertEquals(8, value(m, "ws_gateway_bytes_total", "route", "ops-count", "direction", "client_to_backend"));
        assertEquals(8, value(m, "ws_gateway_bytes_total", "route", "ops-count", "direction", "backend_to_client"));
        assertEquals(1, value(m, "ws_gateway_handshakes_total", "route", "ops-count", "outcome", "accepted",
                "reason", "accepted", "status", "101", "policy", "none"));
        assertEquals(1, value(m, "ws_gateway_handshakes_total", "route", "ops-keyed", "outcome", "refused",
                "reason", "policy", "status", "401", "policy", "apiKey"));
        assertEquals(1, value(m, "ws_gateway_backend_connect_seconds_count", "route", "ops-count", "outcome", "connected"));

        JsonObject stats = object(admin().as("GET", "/api/admin/routes/ops-count/stats", null).body());
        assertEquals(4, stats.getJsonObject("fromClient").getInt("messages"));
        assertEquals(8, stats.getJsonObject("fromBackend").getInt("bytes"));
        assertEquals(1, stats.getJsonObject("handshakes").getInt("accepted"));
        assertEquals(1, stats.getJsonObject("closesByCode").getInt("4001"));
        assertEquals(1, object(admin().as("GET", "/api/admin/routes/ops-keyed/stats", null).body())
                .getJsonObject("handshakes").getJsonObject("refused").getInt("policy:apiKey"));
        assertEquals(404, admin().as("GET", "/api/admin/routes/no-such-route/stats", null).statusCode());
    }

    @Test
    void theAccessLogHasOneLinePerSessionAndNoCredential() throws Exception {
        admin().createRoute("ops-log", "/ops-log", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"apiKey\"},{\"type\":\"headers\",\"forwardCredentials\":true}]");
        HttpResponse<String> created = admin().as("POST", "/api/admin/keys", "{\"name\":\"log reader\"}");
        assertEquals(201, created.statusCode(), created.body());
        String key = object(created.body()).getString("key");
        String sessionId;
        try (WsClient client = WsClient.connect(ws("/ops-log?api_key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))) {
            client.send("hello");
            assertEquals("hello", client.nextText());
            JsonArray sessions = array(admin().as("GET", "/api/admin/sessions?route=ops-log", null).body());
            sessionId = sessions.getJsonObject(0).getString("id");
            client.close(1000, "bye");
            client.awaitClose();
        }
        Path log = Path.of(System.getProperty("gateway.it.server-log"));
        String marker = "\"session\":\"" + sessionId + "\"";
        Await.until("the access log line in " + log, Duration.ofSeconds(10), () -> serverLog(log).contains(marker));
        List<String> lines = new ArrayList<>();
        for (String line : serverLog(log).split("\n")) {
            if (line.contains(marker)) {
                lines.add(line);
            }
        }
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        JsonObject entry = object(line.substring(line.indexOf("{\"time\"")));
        assertEquals("ops-log", entry.getString("route"));
        assertEquals("log reader", entry.getString("principal"));
        assertEquals("apiKey", entry.getString("auth"));
        assertEquals(1, entry.getInt("messagesFromClient"));
        assertEquals(5, entry.getInt("bytesFromBackend"));
        assertEquals("client", entry.getString("closedBy"));
        assertEquals(1000, entry.getInt("closeCode"));
        assertFalse(serverLog(log).contains(key), "the API key is in " + log);
        assertFalse(serverLog(log).contains(key.substring(key.length() - 12)), "part of the API key is in " + log);
    }

    @Test
    void anAdministratorClosesASessionWithTheGivenCodeOnBothSides() throws Exception {
        admin().createRoute("ops-close", "/ops-close", backend.uri("/echo"), "");
        try (WsClient client = WsClient.connect(ws("/ops-close"))) {
            client.send("x");
            assertEquals("x", client.nextText());
            String id = array(admin().as("GET", "/api/admin/sessions?route=ops-close", null).body())
                    .getJsonObject(0).getString("id");
            JsonObject one = object(admin().as("GET", "/api/admin/sessions/" + id, null).body());
            assertEquals("127.0.0.1", one.getJsonObject("backend").getString("host"));
            assertTrue(Instant.parse(one.getString("lastActivityAt")).isAfter(Instant.parse(one.getString("openedAt")).minusSeconds(1)));

            for (String bad : List.of("code=1005", "code=1006", "code=1015", "code=2000", "code=5000", "code=abc",
                    "code=4000&reason=" + "x".repeat(124))) {
                HttpResponse<String> refused = admin().as("DELETE", "/api/admin/sessions/" + id + "?" + bad, null);
                assertEquals(400, refused.statusCode(), bad);
                assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElseThrow());
            }
            assertEquals(204, admin().as("DELETE", "/api/admin/sessions/" + id + "?code=4321&reason=maintenance", null)
                    .statusCode());
            WsClient.Closed closed = client.awaitClose();
            assertEquals(4321, closed.code());
            assertEquals("maintenance", closed.reason());
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(4321, atBackend.getCloseCode().getCode());
            assertEquals("maintenance", atBackend.getReasonPhrase());
        }
        assertEquals(404, admin().as("DELETE", "/api/admin/sessions/no-such-session?code=4000", null).statusCode());
        Await.until("the admin close is counted", Duration.ofSeconds(10), () -> value(scrape(),
                "ws_gateway_sessions_closed_total", "route", "ops-close", "cause", "admin") == 1);
    }

    @Test
    void sessionsAreFilteredAndPaged() throws Exception {
        admin().createRoute("ops-page", "/ops-page", backend.uri("/echo"), "\"policies\":[{\"type\":\"apiKey\"}]");
        JsonObject first = object(admin().as("POST", "/api/admin/keys", "{\"name\":\"pager one\"}").body());
        JsonObject second = object(admin().as("POST", "/api/admin/keys", "{\"name\":\"pager two\"}").body());
        Instant before = Instant.now().minusSeconds(1);
        List<WsClient> clients = new ArrayList<>();
        try {
            for (JsonObject key : List.of(first, first, second)) {
                WsClient c = WsClient.connect(ws("/ops-page"), Map.of("X-API-Key", key.getString("key")));
                c.send("ping");
                assertEquals("ping", c.nextText());
                clients.add(c);
            }
            String list = "/api/admin/sessions?route=ops-page";
            HttpResponse<String> page1 = admin().as("GET", list + "&limit=2", null);
            assertEquals("3", page1.headers().firstValue("X-Total-Count").orElseThrow());
            JsonArray p1 = array(page1.body());
            JsonArray p2 = array(admin().as("GET", list + "&limit=2&offset=2", null).body());
            assertEquals(2, p1.size());
            assertEquals(1, p2.size());
            assertFalse(p1.toString().contains(p2.getJsonObject(0).getString("id")), "pages overlap");

            assertEquals(2, array(admin().as("GET", list + "&apiKeyId=" + first.getString("id"), null).body()).size());
            assertEquals(1, array(admin().as("GET", list + "&principal=pager%20two", null).body()).size());
            assertEquals(3, array(admin().as("GET", list + "&clientAddress=127.0.0.1&openedAfter=" + before, null).body()).size());
            assertEquals(0, array(admin().as("GET", list + "&openedBefore=" + before, null).body()).size());
            for (String bad : List.of("&limit=0", "&limit=1001", "&offset=-1", "&limit=ten", "&openedAfter=yesterday")) {
                HttpResponse<String> refused = admin().as("GET", list + bad, null);
                assertEquals(400, refused.statusCode(), bad);
                assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElseThrow());
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void theOpenApiDocumentIsServedAsYamlAndJsonWithoutCredentials() throws Exception {
        HttpResponse<String> yaml = admin().send("GET", "/api/openapi.yaml", null, null);
        assertEquals(200, yaml.statusCode());
        assertTrue(yaml.body().startsWith("openapi: 3.1.0"), yaml.body());
        HttpResponse<String> json = admin().send("GET", "/api/openapi.json", null, null);
        assertEquals(200, json.statusCode());
        assertTrue(object(json.body()).getJsonObject("paths").containsKey("/api/admin/sessions/{id}"));
        assertEquals(404, admin().send("GET", "/api/openapi.xml", null, null).statusCode());
    }

    static String serverLog(Path log) throws Exception {
        StringBuilder content = new StringBuilder();
        try (var files = Files.list(log.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).toList()) {
                content.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return content.toString();
    }
}
