package dev.wsgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route field {@code backendTls}: validation, the JSON it reads back as, and its TLS context's lifetime. */
class BackendTrustTest {
    private static final String PEM = pem("route-backend.pem");
    private static final String OTHER_PEM = pem("backend.pem");
    private static final RouteDefaults DEFAULTS = new RouteDefaults(5_000, 300, 65_536, 30, List.of());

    @TempDir
    Path dir;

    private static String pem(String name) {
        try (InputStream in = BackendTrustTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonObjectBuilder route(String backend, JsonObjectBuilder backendTls) {
        return Json.createObjectBuilder().add("id", "quotes").add("path", "/quotes").add("backend", backend)
                .add("backendTls", backendTls);
    }

    private static JsonObjectBuilder tls(String pem) {
        return Json.createObjectBuilder().add("caCertificates", pem);
    }

    private static List<FieldError> rejected(JsonObject json) {
        return assertThrows(InvalidRouteException.class, () -> RouteDefinition.fromJson(json)).errors();
    }

    private static FieldError onlyError(JsonObject json) {
        List<FieldError> errors = rejected(json);
        assertEquals(1, errors.size(), () -> "errors: " + errors);
        return errors.get(0);
    }

    @Test
    void aWssRouteTakesCertificatesAndVerifiesHostnamesUnlessItSaysOtherwise() {
        RouteDefinition d = RouteDefinition.fromJson(route("wss://127.0.0.1:8443/q", tls(PEM)).build());
        assertEquals(new BackendTrust(PEM, true), d.backendTls());

        RouteDefinition off = RouteDefinition.fromJson(
                route("wss://127.0.0.1:8443/q", tls(PEM).add("verifyHostname", false)).build());
        assertFalse(off.backendTls().verifyHostname());
    }

    @Test
    void aRouteWithoutTheFieldHasNoTrustOfItsOwn() {
        RouteDefinition d = RouteDefinition.fromJson(Json.createObjectBuilder().add("id", "q").add("path", "/q")
                .add("backend", "wss://127.0.0.1:8443/q").addNull("backendTls").build());
        assertNull(d.backendTls());
        assertFalse(d.toJson().build().containsKey("backendTls"));
        assertNull(d.compile(1, DEFAULTS).backendTls(), "null: the gateway-wide trust");
    }

    @Test
    void readsBackAsGivenThePemUntouched() {
        RouteDefinition d = RouteDefinition.fromJson(route("wss://127.0.0.1:8443/q", tls(PEM)).build());
        JsonObject written = d.toJson().build();

        assertEquals(PEM, written.getJsonObject("backendTls").getString("caCertificates"));
        assertTrue(written.getJsonObject("backendTls").getBoolean("verifyHostname"), "the default is written out");
        StoredRoute stored = new StoredRoute(d, 3);
        try (var reader = Json.createReader(new StringReader(stored.toJson().toString()))) {
            assertEquals(stored, StoredRoute.fromJson(reader.readObject()));
        }
    }

    @Test
    void aWsBackendHasNoTlsSoTheFieldIsRefused() {
        FieldError e = onlyError(route("ws://127.0.0.1:9000/q", tls(PEM)).build());
        assertEquals(new FieldError("backendTls", "applies only to a wss:// backend (a ws:// backend has no TLS)"), e);
    }

    @Test
    void malformedPemIsRefusedNamingTheField() {
        FieldError e = onlyError(route("wss://127.0.0.1:8443/q", tls("-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----")).build());
        assertEquals("backendTls.caCertificates", e.field());
        assertTrue(e.message().startsWith("certificate 1 is not base64"), e.message());
    }

    @Test
    void textWithoutACertificateIsRefused() {
        FieldError e = onlyError(route("wss://127.0.0.1:8443/q", tls("please trust me")).build());
        assertEquals(new FieldError("backendTls.caCertificates",
                "holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)"), e);
    }

    @Test
    void aPrivateKeyIsRefused() {
        FieldError e = onlyError(route("wss://127.0.0.1:8443/q", tls(PEM
                + "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\n")).build());
        assertEquals(new FieldError("backendTls.caCertificates",
                "block 2 is 'EC PRIVATE KEY'; only CERTIFICATE blocks belong here"), e);
    }

    @Test
    void shapeProblemsAreEachNamed() {
        assertEquals(new FieldError("backendTls", "must be an object"),
                onlyError(Json.createObjectBuilder().add("id", "q").add("path", "/q")
                        .add("backend", "wss://h/q").add("backendTls", PEM).build()));
        assertEquals(new FieldError("backendTls.caCertificates", "is required"),
                onlyError(route("wss://h/q", Json.createObjectBuilder().add("verifyHostname", true)).build()));
        assertEquals(new FieldError("backendTls.caCertificates", "must not be blank"),
                onlyError(route("wss://h/q", tls(" \n")).build()));
        assertEquals(new FieldError("backendTls.verifyHostname", "must be true or false"),
                onlyError(route("wss://h/q", tls(PEM).add("verifyHostname", "no")).build()));
        assertEquals(new FieldError("backendTls.trustStore", "unknown field"),
                onlyError(route("wss://h/q", tls(PEM).add("trustStore", "/etc/x.p12")).build()));
    }

    @Test
    void anExpiredCertificateIsAcceptedWithAWarningNamingIt() {
        RouteDefinition d = RouteDefinition.fromJson(route("wss://h/q", tls(PEM + pem("expired.pem"))).build());
        assertEquals(List.of("backendTls.caCertificates: certificate 2 (CN=expired.example) expired on "
                + "2000-01-02T00:00:00Z"), d.backendTls().warnings(Instant.parse("2030-01-01T00:00:00Z")));
        assertEquals(List.of(), new BackendTrust(PEM, true).warnings(Instant.parse("2030-01-01T00:00:00Z")));
    }

    @Test
    void aCertificateNotValidYetIsWarnedAbout() {
        List<String> warnings = new BackendTrust(PEM, true).warnings(Instant.parse("2001-01-01T00:00:00Z"));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("certificate 1 (CN=localhost,O=ws-gateway route trust test) is not valid "
                + "before"), warnings.get(0));
    }

    @Test
    void theCompiledRouteCarriesATlsContextForItsOwnTrust() {
        RouteDefinition d = RouteDefinition.fromJson(route("wss://h/q", tls(PEM)).build());
        Route route = d.compile(1, DEFAULTS);
        assertNotNull(route.backendTls());
        assertTrue(route.backendTls().verifiesHostname());
    }

    @Test
    void theStoreKeepsATlsContextWhileTheTrustIsUnchangedAndBuildsANewOneWhenItChanges() throws IOException {
        RouteStore store = new RouteStore(new RouteFile(dir), DEFAULTS, List::of);
        store.load();
        store.create(RouteDefinition.fromJson(route("wss://h/q", tls(PEM)).build()));
        Route first = store.table().match("/quotes").orElseThrow();

        store.update("quotes", RouteDefinition.fromJson(route("wss://h/q", tls(PEM))
                .add("connectTimeoutMillis", 1234).build()), null);
        Route timeoutChanged = store.table().match("/quotes").orElseThrow();
        store.create(RouteDefinition.fromJson(Json.createObjectBuilder().add("id", "other").add("path", "/other")
                .add("backend", "ws://h/o").build()));
        Route afterAnotherRoute = store.table().match("/quotes").orElseThrow();

        assertEquals(1234, timeoutChanged.connectTimeoutMillis());
        assertSame(first.backendTls(), timeoutChanged.backendTls(), "same certificates, same context (TLS sessions)");
        assertSame(first.backendTls(), afterAnotherRoute.backendTls());
        assertSame(first.backendTls(), store.route("quotes").orElseThrow().backendTls(), "the admin view's too");

        store.update("quotes", RouteDefinition.fromJson(route("wss://h/q", tls(OTHER_PEM)).build()), null);
        assertNotSame(first.backendTls(), store.table().match("/quotes").orElseThrow().backendTls());

        RouteStore reloaded = new RouteStore(new RouteFile(dir), DEFAULTS, List::of);
        reloaded.load();
        assertNotNull(reloaded.table().match("/quotes").orElseThrow().backendTls(), "read back from the file");
    }
}
