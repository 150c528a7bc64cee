package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes to {@code wss://} backends: the gateway's transport speaks TLS to them, trusting the test trust store
 * the server was started with ({@code gateway.backend.tls.trust-store}), with hostname verification on; and
 * routes with their own trust ({@code backendTls.caCertificates}) reaching a backend that store does not hold.
 */
class TlsBackendIT extends GatewayTestBase {
    private static final String ROUTES = "/api/admin/routes";
    /** The certificate of route-backend.p12, which is not in the server's trust store. */
    private static final String ROUTE_BACKEND_PEM = pem("route-backend.pem");
    private static TestBackend tlsBackend;
    private static TestBackend wrongName;
    private static TestBackend routeTrusted;
    private static boolean routesCreated;

    @BeforeAll
    static void startTlsBackends() throws Exception {
        tlsBackend = TestBackend.startTls("/tls/backend.p12");
        wrongName = TestBackend.startTls("/tls/wrong-name.p12");
        routeTrusted = TestBackend.startTls("/tls/route-backend.p12");
    }

    @AfterAll
    static void stopTlsBackends() {
        tlsBackend.close();
        wrongName.close();
        routeTrusted.close();
    }

    private static String pem(String name) {
        try (InputStream in = TlsBackendIT.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** A route to {@code backend}; with {@code backendTls} when not null. */
    private static String route(String id, String path, String backend, JsonObjectBuilder backendTls) {
        JsonObjectBuilder route = Json.createObjectBuilder().add("id", id).add("path", path).add("backend", backend);
        if (backendTls != null) {
            route.add("backendTls", backendTls);
        }
        return route.build().toString();
    }

    private static JsonObjectBuilder trusting(String pem) {
        return Json.createObjectBuilder().add("caCertificates", pem);
    }

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            admin().createRoute("tls-echo", "/tls/echo", tlsBackend.uri("/echo"), "");
            admin().createRoute("tls-wrong-name", "/tls/wrong-name", wrongName.uri("/echo"), "");
            routesCreated = true;
        }
    }

    @Test
    void relaysTextAndBinaryBothWaysToAWssBackend() throws Exception {
        byte[] large = new byte[1024 * 1024];
        new Random(3).nextBytes(large);
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            for (int i = 0; i < 50; i++) {
                client.send("over TLS " + i);
                client.send(new byte[] {(byte) i, 7});
            }
            client.send(large);
            for (int i = 0; i < 50; i++) {
                assertEquals("over TLS " + i, client.nextText());
                assertArrayEquals(new byte[] {(byte) i, 7}, client.nextBinary());
            }
            assertArrayEquals(large, client.nextBinary());
            client.send("!uri");
            assertEquals("/echo", client.nextText());
        }
    }

    @Test
    void aCloseFromTheWssBackendReachesTheClientWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            client.send("!close 4998 backend over TLS says bye");
            assertEquals(new WsClient.Closed(4998, "backend over TLS says bye"), client.awaitClose());
        }
    }

    @Test
    void aCloseFromTheClientReachesTheWssBackendWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            client.send("ping");
            assertEquals("ping", client.nextText());
            client.close(4999, "client says bye");
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(4999, atBackend.getCloseCode().getCode());
            assertEquals("client says bye", atBackend.getReasonPhrase());
        }
    }

    @Test
    void aBackendCertificateForAnotherNameIs502() throws Exception {
        RawHttp.Response response = RawHttp.handshake(base, "/ws/tls/wrong-name");
        assertEquals(502, response.status());
    }

    @Test
    void aRouteWithItsOwnCaCertificatesRelaysToABackendTheServerDoesNotTrust() throws Exception {
        admin().createRoute(route("tls-own", "/tls/own", routeTrusted.uri("/echo"), trusting(ROUTE_BACKEND_PEM)));
        try (WsClient client = WsClient.connect(ws("/tls/own?x=1"))) {
            for (int i = 0; i < 20; i++) {
                client.send("trusted by the route " + i);
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("trusted by the route " + i, client.nextText());
            }
            client.send("!uri");
            assertEquals("/echo?x=1", client.nextText());
            client.close(4999, "client says bye");
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(4999, atBackend.getCloseCode().getCode());
        }
    }

    @Test
    void theSameBackendOnARouteWithoutItsOwnTrustIs502() throws Exception {
        admin().createRoute(route("tls-not-own", "/tls/not-own", routeTrusted.uri("/echo"), null));
        assertEquals(502, RawHttp.handshake(base, "/ws/tls/not-own").status());
    }

    @Test
    void aRouteTrustingOtherCertificatesDoesNotFallBackToTheServersTrustStore() throws Exception {
        // backend.pem is in the server's trust store too, but the route trusts only what it lists
        admin().createRoute(route("tls-other-ca", "/tls/other-ca", tlsBackend.uri("/echo"),
                trusting(ROUTE_BACKEND_PEM)));
        assertEquals(502, RawHttp.handshake(base, "/ws/tls/other-ca").status());
    }

    @Test
    void anUpdateThatRemovesOrChangesTheTrustAppliesToTheNextHandshake() throws Exception {
        String backendUri = routeTrusted.uri("/echo");
        admin().createRoute(route("tls-update", "/tls/update", backendUri, trusting(ROUTE_BACKEND_PEM)));
        try (WsClient open = WsClient.connect(ws("/tls/update"))) {
            open.send("before");
            assertEquals("before", open.nextText());

            assertEquals(200, admin().as("PUT", ROUTES + "/tls-update",
                    route("tls-update", "/tls/update", backendUri, null)).statusCode());
            assertEquals(502, RawHttp.handshake(base, "/ws/tls/update").status(), "trust removed");

            assertEquals(200, admin().as("PUT", ROUTES + "/tls-update",
                    route("tls-update", "/tls/update", backendUri, trusting(pem("backend.pem")))).statusCode());
            assertEquals(502, RawHttp.handshake(base, "/ws/tls/update").status(), "trust changed to another cert");

            assertEquals(200, admin().as("PUT", ROUTES + "/tls-update",
                    route("tls-update", "/tls/update", backendUri, trusting(ROUTE_BACKEND_PEM))).statusCode());
            assertEquals(101, RawHttp.handshake(base, "/ws/tls/update").status(), "trust given back");

            open.send("a session keeps the route it was opened with");
            assertEquals("a session keeps the route it was opened with", open.nextText());
        }
    }

    @Test
    void hostnameVerificationCanBeTurnedOffForOneRoute() throws Exception {
        JsonObjectBuilder unverified = trusting(pem("wrong-name.pem")).add("verifyHostname", false);
        admin().createRoute(route("tls-unverified", "/tls/unverified", wrongName.uri("/echo"), unverified));
        admin().createRoute(route("tls-verified", "/tls/verified", wrongName.uri("/echo"),
                trusting(pem("wrong-name.pem"))));
        assertEquals(502, RawHttp.handshake(base, "/ws/tls/verified").status());
        try (WsClient client = WsClient.connect(ws("/tls/unverified"))) {
            client.send("name not checked");
            assertEquals("name not checked", client.nextText());
        }
    }

    @Test
    void badPemIs400NamingTheFieldAndNothingIsStored() throws Exception {
        HttpResponse<String> response = admin().as("POST", ROUTES, route("tls-bad", "/tls/bad",
                routeTrusted.uri("/echo"), trusting("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonObject error = json(response.body()).getJsonArray("errors").getJsonObject(0);
        assertEquals("backendTls.caCertificates", error.getString("field"), response.body());
        assertEquals(404, admin().as("GET", ROUTES + "/tls-bad", null).statusCode());

        HttpResponse<String> plain = admin().as("POST", ROUTES, route("tls-plain", "/tls/plain",
                backend.uri("/echo"), trusting(ROUTE_BACKEND_PEM)));
        assertEquals(400, plain.statusCode(), plain.body());
        assertEquals("backendTls", json(plain.body()).getJsonArray("errors").getJsonObject(0).getString("field"));
        assertEquals(404, admin().as("GET", ROUTES + "/tls-plain", null).statusCode());
    }

    @Test
    void aBadUpdateLeavesTheRouteAsItWas() throws Exception {
        admin().createRoute(route("tls-keep", "/tls/keep", routeTrusted.uri("/echo"), trusting(ROUTE_BACKEND_PEM)));
        HttpResponse<String> refused = admin().as("PUT", ROUTES + "/tls-keep", route("tls-keep", "/tls/keep",
                routeTrusted.uri("/echo"), trusting("not a certificate")));
        assertEquals(400, refused.statusCode(), refused.body());

        HttpResponse<String> read = admin().as("GET", ROUTES + "/tls-keep", null);
        assertEquals(1, json(read.body()).getInt("version"));
        assertEquals(ROUTE_BACKEND_PEM, json(read.body()).getJsonObject("backendTls").getString("caCertificates"),
                "the PEM reads back as given");
        assertEquals(101, RawHttp.handshake(base, "/ws/tls/keep").status());
    }

    @Test
    void anExpiredCertificateIsSavedWithAWarning() throws Exception {
        HttpResponse<String> created = admin().as("POST", ROUTES, route("tls-expired", "/tls/expired",
                routeTrusted.uri("/echo"), trusting(ROUTE_BACKEND_PEM + pem("expired.pem"))));
        assertEquals(201, created.statusCode(), created.body());
        String warning = created.headers().firstValue("Warning").orElseThrow();
        assertTrue(warning.startsWith("299 - \"backendTls.caCertificates: certificate 2 (CN=expired.example) expired on"),
                warning);
        assertEquals(101, RawHttp.handshake(base, "/ws/tls/expired").status(), "the valid certificate still serves");

        HttpResponse<String> unwarned = admin().as("PUT", ROUTES + "/tls-expired", route("tls-expired", "/tls/expired",
                routeTrusted.uri("/echo"), trusting(ROUTE_BACKEND_PEM)));
        assertEquals(200, unwarned.statusCode(), unwarned.body());
        assertFalse(unwarned.headers().firstValue("Warning").isPresent());
    }
}
