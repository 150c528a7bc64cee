package dev.wsgateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.edge.Handshake.Rejected;
import dev.wsgateway.edge.Handshake.Result;
import dev.wsgateway.edge.HandshakeOutcomes.Outcome;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.HeadersPolicy;
import dev.wsgateway.policy.builtin.IpPolicy;
import dev.wsgateway.policy.handshake.PolicyCatalog;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.route.RouteDefaults;
import dev.wsgateway.route.RouteDefinition;
import dev.wsgateway.route.RouteFile;
import dev.wsgateway.route.RouteStore;
import dev.wsgateway.upstream.BackendConnector;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handshake pipeline with real stores, policies and connector, against real sockets on loopback. */
class HandshakeTest {
    private static final GatewayDefaults NO_DEFAULTS = key -> Optional.empty();
    private static final RouteDefaults DEFAULTS = new RouteDefaults(5_000, 300, 65_536, 30, List.of());

    @TempDir
    Path dir;
    /** Accepts TCP connections (the kernel does) and never answers: a backend that hangs. */
    private ServerSocket silent;
    private final SessionRegistry sessions = new SessionRegistry();
    private final BackendConnector connector = new BackendConnector(4, 65_536);
    private final WaitingHandshakes waiting = new WaitingHandshakes(10, 2);
    private RouteStore routes;
    private Handshake handshake;
    /** What the outcome listener was told of backend connects. */
    private final List<String> backendConnects = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        routes = new RouteStore(new RouteFile(dir), DEFAULTS, List::of);
        routes.load();
        routes.create(route("hanging", "/hanging", "ws://127.0.0.1:" + silent.getLocalPort() + "/x", 400, List.of()));
        routes.create(route("local-only-denied", "/denied", "ws://127.0.0.1:1/x", null,
                List.of(json("{\"type\":\"ip\",\"deny\":[\"127.0.0.0/8\"]}"))));
        ClientAddresses addresses = new ClientAddresses(List.of());
        PolicyCatalog policies = new PolicyCatalog(List.of(new IpPolicy.Factory(NO_DEFAULTS),
                new HeadersPolicy.Factory(NO_DEFAULTS, addresses)), List.of());
        HandshakeOutcomes recording = new HandshakeOutcomes() {
            @Override
            public void onOutcome(String routeId, Outcome outcome, int status, String policyType) {
            }

            @Override
            public void onBackendConnect(String routeId, long nanos, Outcome outcome) {
                backendConnects.add(routeId + " " + outcome + (nanos >= 400_000_000L ? " after the timeout" : " early"));
            }
        };
        handshake = new Handshake(routes, sessions, connector, waiting, policies, addresses, recording);
    }

    @AfterEach
    void stop() throws Exception {
        connector.close();
        sessions.close();
        silent.close();
    }

    @Test
    void anUnknownPathIsAnswered404AtOnce() {
        Rejected r = rejectedAtOnce(handshake.run(upgrade("/nowhere")));
        assertEquals(404, r.status());
        assertEquals(Outcome.NO_ROUTE, r.outcome());
    }

    @Test
    void aPlainGetIsAnswered426WithTheUpgradeHeader() {
        ClientRequest plain = new ClientRequest("GET", "/hanging", Map.of("Host", List.of("x")), null, "127.0.0.1",
                false, null);
        Rejected r = rejectedAtOnce(handshake.run(plain));
        assertEquals(426, r.status());
        assertEquals("websocket", r.headers().get("Upgrade"));
        assertEquals("hanging", r.routeId());
    }

    @Test
    void aPolicyRejectionNamesThePolicyThatGaveIt() {
        Rejected r = rejectedAtOnce(handshake.run(upgrade("/denied")));
        assertEquals(403, r.status());
        assertEquals(Outcome.REJECTED_BY_POLICY, r.outcome());
        assertEquals("ip", r.policyType());
    }

    @Test
    void aHangingBackendHoldsNoThreadAndEndsIn504AtTheConnectTimeout() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<Result> result = handshake.run(upgrade("/hanging"));
        assertFalse(result.isDone(), "run returns while the backend is being connected");
        assertEquals(1, waiting.waiting("hanging"));
        Rejected r = assertInstanceOf(Rejected.class, result.get(10, TimeUnit.SECONDS));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(504, r.status());
        assertEquals(Outcome.BACKEND_TIMEOUT, r.outcome());
        assertTrue(tookMillis >= 400, "ended after " + tookMillis + " ms, before the connect timeout");
        assertEquals(0, waiting.waiting("hanging"), "its place is given back");
        assertEquals(0, sessions.size(), "the pair opened for it is gone");
        assertEquals(List.of("hanging BACKEND_TIMEOUT after the timeout"), backendConnects);
    }

    @Test
    void beyondTheRouteShareAHandshakeIsAnswered503AtOnceWithRetryAfter() throws Exception {
        List<CompletableFuture<Result>> waitingOnes = new ArrayList<>();
        waitingOnes.add(handshake.run(upgrade("/hanging")));
        waitingOnes.add(handshake.run(upgrade("/hanging")));
        Rejected r = rejectedAtOnce(handshake.run(upgrade("/hanging")));
        assertEquals(503, r.status());
        assertEquals(Outcome.TOO_MANY_WAITING, r.outcome());
        assertEquals("1", r.headers().get("Retry-After"));
        for (CompletableFuture<Result> w : waitingOnes) {
            assertEquals(504, assertInstanceOf(Rejected.class, w.get(10, TimeUnit.SECONDS)).status());
        }
    }

    private static Rejected rejectedAtOnce(CompletableFuture<Result> result) {
        assertTrue(result.isDone(), "answered without waiting for any backend");
        return assertInstanceOf(Rejected.class, result.join());
    }

    private static ClientRequest upgrade(String path) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("gateway.example"));
        headers.put("upgrade", List.of("websocket"));
        headers.put("Connection", List.of("keep-alive, Upgrade"));
        headers.put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        headers.put("Sec-WebSocket-Version", List.of("13"));
        return new ClientRequest("GET", path, headers, null, "127.0.0.1", false, null);
    }

    private static RouteDefinition route(String id, String path, String backend, Integer connectTimeoutMillis,
                                         List<JsonObject> policies) {
        return new RouteDefinition(id, path, URI.create(backend), List.of(), connectTimeoutMillis, null, null, null,
                true, null, policies);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
