package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The admin REST API on the real server: CRUD, validation, conflicts, versions, auth, sessions, health. */
class AdminIT extends GatewayTestBase {
    private static final String ROUTES = "/api/admin/routes";

    private String route(String id, String path) {
        return "{\"id\":\"" + id + "\",\"path\":\"" + path + "\",\"backend\":\"" + backend.uri("/echo") + "\"}";
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    @Test
    void createsReadsUpdatesAndDeletesARoute() throws Exception {
        HttpResponse<String> created = admin().as("POST", ROUTES, route("crud", "/crud"));
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.endsWith(ROUTES + "/crud"), location);
        assertEquals("\"1\"", created.headers().firstValue("ETag").orElseThrow());

        HttpResponse<String> read = admin().as("GET", ROUTES + "/crud", null);
        assertEquals(200, read.statusCode());
        assertEquals("/crud", json(read.body()).getString("path"));
        assertTrue(admin().as("GET", ROUTES, null).body().contains("\"crud\""));

        String changed = "{\"path\":\"/crud2\",\"backend\":\"" + backend.uri("/echo") + "\",\"idleTimeoutSeconds\":30}";
        HttpResponse<String> updated = admin().as("PUT", ROUTES + "/crud", changed, "If-Match", "\"1\"");
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals(30, json(updated.body()).getInt("idleTimeoutSeconds"));
        assertEquals("\"2\"", updated.headers().firstValue("ETag").orElseThrow());

        assertEquals(204, admin().as("DELETE", ROUTES + "/crud", null).statusCode());
        assertEquals(404, admin().as("GET", ROUTES + "/crud", null).statusCode());
    }

    @Test
    void aRouteChangeAppliesToTheNextHandshakeWithoutRedeploy() throws Exception {
        assertEquals(404, RawHttp.handshake(base, "/ws/live-change").status());
        admin().createRoute(route("live", "/live-change"));
        assertEquals(101, RawHttp.handshake(base, "/ws/live-change").status());
        String disabled = "{\"path\":\"/live-change\",\"backend\":\"" + backend.uri("/echo") + "\",\"enabled\":false}";
        assertEquals(200, admin().as("PUT", ROUTES + "/live", disabled).statusCode());
        assertEquals(404, RawHttp.handshake(base, "/ws/live-change").status());
    }

    @Test
    void anInvalidRouteGets400WithEachFieldsProblem() throws Exception {
        HttpResponse<String> response = admin().as("POST", ROUTES,
                "{\"id\":\"bad one\",\"path\":\"nope\",\"backend\":\"http://example.test/\",\"connectTimeoutMillis\":-5}");
        assertEquals(400, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonArray errors = json(response.body()).getJsonArray("errors");
        assertEquals(4, errors.size(), response.body());
        assertTrue(response.body().contains("\"field\":\"backend\""));
        assertTrue(response.body().contains("must be a ws:// or wss:// URI"));
    }

    @Test
    void malformedJsonGets400() throws Exception {
        HttpResponse<String> response = admin().as("POST", ROUTES, "{\"id\": ");
        assertEquals(400, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void anOversizedBodyGets413() throws Exception {
        String huge = "{\"id\":\"big\",\"path\":\"/big\",\"backend\":\"ws://h/\",\"description\":\"" + "x".repeat(70_000) + "\"}";
        assertEquals(413, admin().as("POST", ROUTES, huge).statusCode());
    }

    @Test
    void aPathUsedByAnotherRouteGets409() throws Exception {
        admin().createRoute(route("first", "/taken"));
        HttpResponse<String> response = admin().as("POST", ROUTES, route("second", "/taken"));
        assertEquals(409, response.statusCode());
        assertEquals(404, admin().as("GET", ROUTES + "/second", null).statusCode());
    }

    @Test
    void anExistingIdGets409() throws Exception {
        admin().createRoute(route("dup", "/dup-a"));
        assertEquals(409, admin().as("POST", ROUTES, route("dup", "/dup-b")).statusCode());
    }

    @Test
    void anUpdateWithAStaleVersionGets412() throws Exception {
        admin().createRoute(route("etag", "/etag"));
        String v2 = "{\"path\":\"/etag\",\"backend\":\"" + backend.uri("/echo") + "\",\"description\":\"v2\"}";
        assertEquals(200, admin().as("PUT", ROUTES + "/etag", v2, "If-Match", "\"1\"").statusCode());
        HttpResponse<String> stale = admin().as("PUT", ROUTES + "/etag", v2, "If-Match", "\"1\"");
        assertEquals(412, stale.statusCode());
        assertEquals("\"2\"", stale.headers().firstValue("ETag").orElseThrow());
        assertEquals(412, admin().as("DELETE", ROUTES + "/etag", null, "If-Match", "\"1\"").statusCode());
    }

    @Test
    void anUpdateCannotChangeTheId() throws Exception {
        admin().createRoute(route("fixed-id", "/fixed-id"));
        assertEquals(400, admin().as("PUT", ROUTES + "/fixed-id", route("other-id", "/fixed-id")).statusCode());
    }

    @Test
    void unknownRoutesGet404() throws Exception {
        assertEquals(404, admin().as("GET", ROUTES + "/nope", null).statusCode());
        assertEquals(404, admin().as("DELETE", ROUTES + "/nope", null).statusCode());
    }

    @Test
    void theAdminApiIs401WithoutCredentials() throws Exception {
        HttpResponse<String> response = admin().send("GET", ROUTES, null, null);
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"));
        assertEquals(401, admin().send("GET", ROUTES, null, "it-admin:wrong-password").statusCode());
    }

    @Test
    void theAdminApiIs403WithoutTheAdminRole() throws Exception {
        assertEquals(403, admin().send("GET", ROUTES, null, Admin.NOT_ADMIN).statusCode());
        assertEquals(403, admin().send("POST", ROUTES, route("nope", "/nope"), Admin.NOT_ADMIN).statusCode());
    }

    @Test
    void listsLiveSessionsAndClosesOne() throws Exception {
        admin().createRoute(route("sessions", "/sessions-route"));
        String ws = "ws://" + base.getHost() + ":" + base.getPort() + "/ws/sessions-route";
        try (WsClient client = WsClient.connect(ws)) {
            client.send("hello");
            assertEquals("hello", client.nextText());
            JsonArray sessions = Json.createReader(new StringReader(
                    admin().as("GET", "/api/admin/sessions?route=sessions", null).body())).readArray();
            assertEquals(1, sessions.size());
            JsonObject session = sessions.getJsonObject(0);
            assertEquals("OPEN", session.getString("state"));
            assertEquals(1, session.getJsonObject("fromClient").getInt("messages"));

            assertEquals(204, admin().as("DELETE", "/api/admin/sessions/" + session.getString("id"), null).statusCode());
            assertEquals(1008, client.awaitClose().code());
        }
    }

    @Test
    void healthReportsLiveAndReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // WildFly serves MicroProfile Health on its management interface, Liberty and Payara Micro on the
        // HTTP port: the build says where (gateway.it.health-url).
        String health = System.getProperty("gateway.it.health-url", "http://127.0.0.1:9990/health");
        for (String check : new String[] {"live", "ready"}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(health + "/" + check)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertNotNull(response.body());
            assertTrue(response.body().contains(check.equals("live") ? "ws-gateway-relay" : "ws-gateway-routes"),
                    response.body());
        }
    }
}
