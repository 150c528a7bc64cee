package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handshake policies end to end: what a raw HTTP client sees when a policy refuses, real clients that
 * pass them, what the backend's handshake carries, and enforcement after the handshake (token expiry,
 * revocation). Keys, passwords and tokens are made here, per run.
 */
class PolicyIT extends GatewayTestBase {
    private static final String ISSUER = "https://issuer.it.example";
    private static final String AUDIENCE = "gateway-it";
    private static RSAKey signingKey;
    private static Path jwksFile;

    @BeforeAll
    static void tokenKeys() throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("it-" + UUID.randomUUID()).generate();
        Path dir = Path.of(System.getProperty("gateway.it.data-dir", "target/it-data")).toAbsolutePath().getParent()
                .resolve("it-jwks");
        Files.createDirectories(dir);
        jwksFile = dir.resolve("jwks.json");
        Files.writeString(jwksFile, new JWKSet(signingKey.toPublicJWK()).toString());
    }

    private static String token(String subject, String tokenId, Instant expiresAt) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject).jwtID(tokenId)
                        .issueTime(new Date()).expirationTime(Date.from(expiresAt)).build());
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    private String jwtRoute(String id) throws Exception {
        admin().createRoute(id, "/" + id, backend.uri("/echo"), "\"policies\":[{\"type\":\"jwt\",\"jwksFile\":\""
                + jwksFile.toString().replace("\\", "\\\\") + "\",\"issuer\":\"" + ISSUER + "\",\"audience\":\"" + AUDIENCE + "\"}]");
        return "/ws/" + id;
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The backend's handshake headers, as the test backend reports them ("name: value" lines, lower-case names). */
    private static List<String> backendHeaders(WsClient client) throws Exception {
        client.send("!headers");
        return List.of(client.nextText().split("\n"));
    }

    private static boolean hasHeader(List<String> lines, String name) {
        return lines.stream().anyMatch(l -> l.startsWith(name + ":"));
    }

    private String createKey(String name, String routes) throws Exception {
        HttpResponse<String> created = admin().as("POST", "/api/admin/keys",
                "{\"name\":\"" + name + "\"" + (routes == null ? "" : ",\"routes\":" + routes) + "}");
        assertEquals(201, created.statusCode(), created.body());
        return created.body();
    }

    @Test
    void apiKeysAreRequiredCheckedPerRouteAndRevocationClosesLiveSessions() throws Exception {
        admin().createRoute("keyed", "/keyed", backend.uri("/echo"), "\"policies\":[{\"type\":\"apiKey\"}]");

        RawHttp.Response missing = RawHttp.handshake(base, "/ws/keyed");
        assertEquals(401, missing.status());
        assertEquals("ApiKey realm=\"ws-gateway\"", missing.header("WWW-Authenticate"));
        RawHttp.Response unknown = RawHttp.handshake(base, "/ws/keyed",
                "X-API-Key: gwk_aaaaaaaaaaaa_" + "A".repeat(43));
        assertEquals(401, unknown.status());

        JsonObject key = json(createKey("it client", "[\"keyed\"]"));
        String secret = key.getString("key");
        assertTrue(secret.startsWith("gwk_"));
        assertFalse(admin().as("GET", "/api/admin/keys/" + key.getString("id"), null).body().contains(secret),
                "the secret is shown once, at creation");
        JsonObject elsewhere = json(createKey("other route", "[\"nowhere\"]"));
        assertEquals(403, RawHttp.handshake(base, "/ws/keyed", "X-API-Key: " + elsewhere.getString("key")).status());

        try (WsClient viaQuery = WsClient.connect(ws("/keyed?api_key=" + secret + "&room=1"))) {
            viaQuery.send("!uri");
            assertEquals("/echo?room=1", viaQuery.nextText(), "the key is not forwarded to the backend");
        }
        try (WsClient client = WsClient.connect(ws("/keyed"), Map.of("X-API-Key", secret))) {
            List<String> headers = backendHeaders(client);
            assertFalse(hasHeader(headers, "x-api-key"), headers.toString());
            assertTrue(headers.contains("x-forwarded-user: it client"), headers.toString());
            assertTrue(headers.stream().anyMatch(h -> h.startsWith("x-forwarded-for: ")), headers.toString());
            assertTrue(headers.contains("x-forwarded-proto: http"), headers.toString());
            long session = TestBackend.nextOpenedSession();
            JsonObject live = Json.createReader(new StringReader(
                    admin().as("GET", "/api/admin/sessions?route=keyed", null).body())).readArray().getJsonObject(0);
            assertEquals(key.getString("id"), live.getJsonObject("auth").getString("apiKeyId"));
            assertEquals("apiKey", live.getJsonObject("auth").getString("method"));

            HttpResponse<String> revoked = admin().as("DELETE", "/api/admin/keys/" + key.getString("id"), null);
            assertEquals(204, revoked.statusCode());
            Instant revokedAt = Instant.now();
            assertEquals(new WsClient.Closed(1008, "credential revoked"), client.awaitClose());
            assertTrue(Duration.between(revokedAt, Instant.now()).toMillis() < 2000, "closed within about a second");
            assertEquals(1001, TestBackend.closeOf(session).getCloseCode().getCode());
        }
        RawHttp.Response afterRevocation = RawHttp.handshake(base, "/ws/keyed", "X-API-Key: " + secret);
        assertEquals(401, afterRevocation.status());
        assertTrue(afterRevocation.body().contains("revoked"), afterRevocation.body());
        assertTrue(admin().as("GET", "/api/admin/keys/" + key.getString("id"), null).body().contains("\"revoked\""));
    }

    @Test
    void basicUsersAreManagedWithoutRedeployAndTheBackendGetsThePrincipalNotThePassword() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        assertEquals(201, admin().as("PUT", "/api/admin/basic-users/alice",
                "{\"password\":\"" + password + "\"}").statusCode());
        assertEquals(400, admin().as("PUT", "/api/admin/basic-users/bob", "{\"password\":\"short\"}").statusCode());
        admin().createRoute("basic", "/basic", backend.uri("/echo"), "\"policies\":[{\"type\":\"basic\",\"realm\":\"it\"}]");

        RawHttp.Response missing = RawHttp.handshake(base, "/ws/basic");
        assertEquals(401, missing.status());
        assertEquals("Basic realm=\"it\", charset=\"UTF-8\"", missing.header("WWW-Authenticate"));
        assertEquals(401, RawHttp.handshake(base, "/ws/basic", "Authorization: " + basic("alice", "wrong-password")).status());

        try (WsClient client = WsClient.connect(ws("/basic"), Map.of("Authorization", basic("alice", password)))) {
            List<String> headers = backendHeaders(client);
            assertFalse(hasHeader(headers, "authorization"), headers.toString());
            assertTrue(headers.contains("x-forwarded-user: alice"), headers.toString());

            HttpResponse<String> revoked = admin().as("POST", "/api/admin/revocations", "{\"subject\":\"alice\"}");
            assertEquals(201, revoked.statusCode(), revoked.body());
            assertEquals(new WsClient.Closed(1008, "credential revoked"), client.awaitClose());
            assertEquals(401, RawHttp.handshake(base, "/ws/basic", "Authorization: " + basic("alice", password)).status());
            String id = json(revoked.body()).getString("id");
            assertEquals(204, admin().as("DELETE", "/api/admin/revocations/" + id, null).statusCode());
        }
        try (WsClient again = WsClient.connect(ws("/basic"), Map.of("Authorization", basic("alice", password)))) {
            again.send("hello");
            assertEquals("hello", again.nextText(), "a lifted revocation lets the user in again");
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void originAndIpPoliciesRefuseWith403() throws Exception {
        admin().createRoute("browser", "/browser", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"origin\",\"allow\":[\"https://*.example.com\"],\"allowMissing\":false}]");
        assertEquals(403, RawHttp.handshake(base, "/ws/browser", "Origin: https://evil.example.net").status());
        assertEquals(403, RawHttp.handshake(base, "/ws/browser", "Origin: https://example.com").status());
        assertEquals(403, RawHttp.handshake(base, "/ws/browser").status(), "no Origin, and allowMissing is false");
        assertEquals(101, RawHttp.handshake(base, "/ws/browser", "Origin: https://app.example.com").status());

        admin().createRoute("intranet", "/intranet", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"ip\",\"allow\":[\"10.0.0.0/8\",\"fd00::/8\"]}]");
        RawHttp.Response refused = RawHttp.handshake(base, "/ws/intranet");
        assertEquals(403, refused.status());
        assertEquals(403, RawHttp.handshake(base, "/ws/intranet", "X-Forwarded-For: 10.1.2.3").status(),
                "X-Forwarded-For is only believed from trusted proxies");
    }

    @Test
    void connectionRatesAndCapsAnswer429And503() throws Exception {
        admin().createRoute("limited", "/limited", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"rateLimit\",\"identity\":[{\"limit\":2,\"per\":\"minute\"}]}]");
        assertEquals(101, RawHttp.handshake(base, "/ws/limited").status());
        assertEquals(101, RawHttp.handshake(base, "/ws/limited").status());
        RawHttp.Response third = RawHttp.handshake(base, "/ws/limited");
        assertEquals(429, third.status());
        int retryAfter = Integer.parseInt(third.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);

        admin().createRoute("capped", "/capped", backend.uri("/echo"),
                "\"policies\":[{\"type\":\"rateLimit\",\"maxConnections\":1}]");
        try (WsClient first = WsClient.connect(ws("/capped"))) {
            first.send("one");
            assertEquals("one", first.nextText());
            RawHttp.Response second = RawHttp.handshake(base, "/ws/capped");
            assertEquals(503, second.status());
            assertEquals("1", second.header("Retry-After"));
            first.close(1000, "done");
            first.awaitClose();
        }
        Await.until("the capped route's slot is given back", Duration.ofSeconds(10),
                () -> RawHttp.handshake(base, "/ws/capped").status() == 101);
    }

    @Test
    void jwtFromHeaderQueryOrSubprotocolIsVerifiedAndNotForwarded() throws Exception {
        String path = jwtRoute("jwt");
        RawHttp.Response missing = RawHttp.handshake(base, path);
        assertEquals(401, missing.status());
        assertEquals("Bearer realm=\"ws-gateway\"", missing.header("WWW-Authenticate"));
        String expired = token("carol", UUID.randomUUID().toString(), Instant.now().minusSeconds(3600));
        RawHttp.Response refused = RawHttp.handshake(base, path, "Authorization: Bearer " + expired);
        assertEquals(401, refused.status());
        assertTrue(refused.header("WWW-Authenticate").contains("error=\"invalid_token\""), refused.head());
        assertFalse(refused.head().contains(expired) || refused.body().contains(expired), "no token in the answer");

        String token = token("carol", UUID.randomUUID().toString(), Instant.now().plusSeconds(600));
        try (WsClient client = WsClient.connect(ws("/jwt"), Map.of("Authorization", "Bearer " + token))) {
            List<String> headers = backendHeaders(client);
            assertFalse(hasHeader(headers, "authorization"), headers.toString());
            assertTrue(headers.contains("x-forwarded-user: carol"), headers.toString());
        }
        try (WsClient client = WsClient.connect(ws("/jwt?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))) {
            client.send("!uri");
            assertEquals("/echo", client.nextText());
        }
        try (WsClient browser = WsClient.connect(ws("/jwt"), "bearer." + token, "chat.v1")) {
            assertEquals("chat.v1", browser.subprotocol());
            browser.send("!protocol");
            assertEquals("chat.v1", browser.nextText());
        }
        try (WsClient other = WsClient.connect(ws("/jwt"), "chat.v2", "bearer." + token)) {
            other.send("!headers");
            assertFalse(other.nextText().contains(token), "the token subprotocol is not offered to the backend");
        }
    }

    @Test
    void aTokenThatExpiresWhileConnectedClosesTheSessionWith1008() throws Exception {
        String path = jwtRoute("jwt-expiry");
        Instant expiry = Instant.now().plusSeconds(3);
        try (WsClient client = WsClient.connect(ws("/jwt-expiry"),
                Map.of("Authorization", "Bearer " + token("dave", UUID.randomUUID().toString(), expiry)))) {
            client.send("still valid");
            assertEquals("still valid", client.nextText());
            long session = TestBackend.nextOpenedSession();
            assertEquals(new WsClient.Closed(1008, "token expired"), client.awaitClose());
            long late = Duration.between(expiry, Instant.now()).toMillis();
            assertTrue(late > -1000 && late < 2000, "closed " + late + " ms after the token's exp");
            assertEquals(1001, TestBackend.closeOf(session).getCloseCode().getCode());
        }
        assertNotNull(path);
    }

    @Test
    void revokingATokenIdClosesItsSessionAndRefusesItLater() throws Exception {
        String path = jwtRoute("jwt-revoke");
        String jti = UUID.randomUUID().toString();
        String token = token("erin", jti, Instant.now().plusSeconds(600));
        try (WsClient client = WsClient.connect(ws("/jwt-revoke"), Map.of("Authorization", "Bearer " + token));
             WsClient bystander = WsClient.connect(ws("/jwt-revoke"), Map.of("Authorization",
                     "Bearer " + token("erin", UUID.randomUUID().toString(), Instant.now().plusSeconds(600))))) {
            HttpResponse<String> revoked = admin().as("POST", "/api/admin/revocations",
                    "{\"tokenId\":\"" + jti + "\",\"expiresAt\":\"" + Instant.now().plusSeconds(600) + "\"}");
            assertEquals(201, revoked.statusCode(), revoked.body());
            assertEquals(new WsClient.Closed(1008, "credential revoked"), client.awaitClose());
            bystander.send("unaffected");
            assertEquals("unaffected", bystander.nextText());
        }
        RawHttp.Response later = RawHttp.handshake(base, path, "Authorization: Bearer " + token);
        assertEquals(401, later.status());
        assertTrue(later.header("WWW-Authenticate").contains("token revoked"), later.head());
    }

    @Test
    void aPrincipalWithALineBreakIsRefusedBeforeItReachesABackendHeader() throws Exception {
        String path = jwtRoute("jwt-crlf");
        String token = token("mallory\r\nX-Admin: yes", UUID.randomUUID().toString(), Instant.now().plusSeconds(600));
        RawHttp.Response refused = RawHttp.handshake(base, path, "Authorization: Bearer " + token);
        assertEquals(400, refused.status(), refused.head());
    }

    @Test
    void theEffectiveChainIsShownInOrderAndBadEntriesAreRefused() throws Exception {
        admin().createRoute("chain", "/chain", backend.uri("/echo"), "\"policies\":["
                + "{\"type\":\"rateLimit\",\"maxConnectionsPerIdentity\":3},{\"type\":\"apiKey\"},"
                + "{\"type\":\"ip\",\"deny\":[\"192.0.2.0/24\"]},{\"type\":\"headers\",\"add\":{\"X-Tenant\":\"blue\"}}]");
        HttpResponse<String> chain = admin().as("GET", "/api/admin/routes/chain/policies", null);
        assertEquals(200, chain.statusCode(), chain.body());
        JsonArray policies = json(chain.body()).getJsonArray("policies");
        List<String> types = new ArrayList<>();
        policies.forEach(p -> types.add(p.asJsonObject().getString("type")));
        assertEquals(List.of("ip", "apiKey", "rateLimit", "headers"), types);
        assertEquals("blue", policies.getJsonObject(3).getJsonObject("settings").getJsonObject("add").getString("X-Tenant"));

        HttpResponse<String> bad = admin().as("POST", "/api/admin/routes", "{\"id\":\"bad-chain\",\"path\":\"/bad-chain\","
                + "\"backend\":\"" + backend.uri("/echo") + "\",\"policies\":[{\"type\":\"telepathy\"},"
                + "{\"type\":\"ip\",\"deny\":[\"300.1.1.1/8\"]},{\"type\":\"headers\",\"add\":{\"Host\":\"x\"}}]}");
        assertEquals(400, bad.statusCode());
        for (String field : List.of("policies[0].type", "policies[1].deny", "policies[2].add")) {
            assertTrue(bad.body().contains("\"" + field + "\""), field + " in " + bad.body());
        }
        assertEquals(404, admin().as("GET", "/api/admin/routes/bad-chain", null).statusCode());
    }

    /** The log file and its rotations (Payara Micro writes {@code <name>.0}). */
    private static String serverLog(Path log) throws Exception {
        StringBuilder content = new StringBuilder();
        try (var files = Files.list(log.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).toList()) {
                content.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return content.toString();
    }

    @Test
    void noSecretEverReachesTheServerLog() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        admin().as("PUT", "/api/admin/basic-users/logcheck", "{\"password\":\"" + password + "\"}");
        admin().createRoute("logcheck", "/logcheck", backend.uri("/echo"), "\"policies\":[{\"type\":\"apiKey\"}]");
        String key = json(createKey("logcheck", null)).getString("key");
        String path = jwtRoute("logcheck-jwt");
        String token = token("frank", UUID.randomUUID().toString(), Instant.now().plusSeconds(600));
        String badToken = token.substring(0, token.length() - 4) + "AAAA";
        // Successes and failures of every credential kind, so that every log path has had its chance.
        RawHttp.handshake(base, "/ws/logcheck", "X-API-Key: " + key);
        RawHttp.handshake(base, "/ws/logcheck", "X-API-Key: " + key.substring(0, key.length() - 2) + "xx");
        RawHttp.handshake(base, path, "Authorization: Bearer " + token);
        RawHttp.handshake(base, path, "Authorization: Bearer " + badToken);
        RawHttp.handshake(base, path + "?access_token=" + badToken);
        admin().createRoute("logcheck-basic", "/logcheck-basic", backend.uri("/echo"), "\"policies\":[{\"type\":\"basic\"}]");
        RawHttp.handshake(base, "/ws/logcheck-basic", "Authorization: " + basic("logcheck", password));
        RawHttp.handshake(base, "/ws/logcheck-basic", "Authorization: " + basic("logcheck", password + "x"));

        // A line the gateway logs (an unreachable backend), to know that the log read is the live one.
        admin().createRoute("logcheck-down", "/logcheck-down", "ws://127.0.0.1:1/down", "");
        RawHttp.handshake(base, "/ws/logcheck-down", "X-API-Key: " + key, "Authorization: Bearer " + token);
        Path log = Path.of(System.getProperty("gateway.it.server-log"));
        Await.until("the server log " + log + " shows this test's line", Duration.ofSeconds(10),
                () -> serverLog(log).contains("logcheck-down"));
        String content = serverLog(log);
        for (String secret : List.of(password, key, key.substring(17), token, badToken, token.split("\\.")[2])) {
            assertFalse(content.contains(secret), "a secret is in " + log);
        }
    }
}
