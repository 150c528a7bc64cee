package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.JwtTestSupport.NOW;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertInvalid;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertLeaksNothing;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertPermitted;
import static dev.wsgateway.policy.builtin.JwtTestSupport.bearer;
import static dev.wsgateway.policy.builtin.JwtTestSupport.claims;
import static dev.wsgateway.policy.builtin.JwtTestSupport.jwks;
import static dev.wsgateway.policy.builtin.JwtTestSupport.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS served over HTTP by a local server: caching, rotation, outages. */
class JwtJwksUrlTest {
    private static RSAKey rsa1;
    private static RSAKey rsa2;
    private static ECKey ec1;

    private HttpServer server;
    private ExecutorService executor;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger delayMillis = new AtomicInteger();
    private final AtomicInteger fetches = new AtomicInteger();
    private String url;

    @BeforeAll
    static void keys() {
        rsa1 = JwtTestSupport.rsa("rsa-1");
        rsa2 = JwtTestSupport.rsa("rsa-2");
        ec1 = JwtTestSupport.ec("ec-1");
    }

    @BeforeEach
    void start() throws IOException {
        body.set(jwks(rsa1, ec1));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            try {
                Thread.sleep(delayMillis.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks?tenant=t1";
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private JwtPolicy policy(Map<String, String> defaults) {
        return JwtTestSupport.policy(defaults, Revocations.NONE, "{\"jwksUrl\": \"" + url + "\"}");
    }

    private JwtPolicy policy() {
        return policy(Map.of());
    }

    private static void assertUnavailable(HandshakeDecision d, String... secrets) {
        assertEquals(503, d.status());
        assertEquals("token keys unavailable", d.detail());
        assertEquals(Map.of("Retry-After", "5"), d.headers());
        assertLeaksNothing(d, secrets);
    }

    @Test
    void keysAreFetchedOnceAndSharedByHandshakes() {
        JwtPolicy policy = policy();
        assertEquals(0, fetches.get(), "building the policy fetches nothing");
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()))));
        assertPermitted(policy.check(bearer(sign(ec1, claims().build()))));
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()), NOW.plusSeconds(60))));
        assertEquals(1, fetches.get());
    }

    @Test
    void concurrentFirstHandshakesShareOneFetch() throws Exception {
        delayMillis.set(200);
        JwtPolicy policy = policy();
        String token = sign(rsa1, claims().build());
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<HandshakeDecision>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(clients.submit(() -> policy.check(bearer(token))));
            }
            for (var result : results) {
                assertPermitted(result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(1, fetches.get());
    }

    @Test
    void anUnknownKidReloadsAtMostOncePerInterval() {
        JwtPolicy policy = policy();
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()))));
        body.set(jwks(rsa1, rsa2)); // the issuer rotates

        String rotated = sign(rsa2, claims().build());
        assertInvalid(policy.check(bearer(rotated, NOW.plusSeconds(1))), "unknown signing key", rotated);
        assertEquals(1, fetches.get(), "just loaded: no reload yet");

        assertPermitted(policy.check(bearer(rotated, NOW.plusSeconds(11))));
        assertEquals(2, fetches.get());

        // Junk kids can't make the gateway fetch on every handshake.
        RSAKey unknown = JwtTestSupport.rsa("nobody");
        for (int i = 0; i < 5; i++) {
            String junk = sign(unknown, claims().build());
            assertInvalid(policy.check(bearer(junk, NOW.plusSeconds(12 + i))), "unknown signing key", junk);
        }
        assertEquals(2, fetches.get(), "reloaded at +11 s: the next reload waits until +21 s");
        String junk = sign(unknown, claims().build());
        assertInvalid(policy.check(bearer(junk, NOW.plusSeconds(21))), "unknown signing key", junk);
        assertEquals(3, fetches.get());
    }

    @Test
    void keysAreRefreshedWhenOld() {
        JwtPolicy policy = policy();
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()))));
        body.set(jwks(rsa2)); // rsa-1 withdrawn
        String old = sign(rsa1, claims().expirationTime(java.util.Date.from(NOW.plus(Duration.ofHours(1)))).build());
        assertInvalid(policy.check(bearer(old, NOW.plus(JwksCache.MAX_AGE))), "unknown signing key", old);
        assertEquals(2, fetches.get());
    }

    @Test
    void aServerThatIsDownMeans503() {
        server.stop(0);
        server = null;
        String token = sign(rsa1, claims().build());
        HandshakeDecision d = policy().check(bearer(token));
        assertUnavailable(d, token, url, "127.0.0.1");
    }

    @Test
    void knownKeysOutliveAnOutageUnknownOnesGet503() {
        JwtPolicy policy = policy();
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()))));
        server.stop(0);
        server = null;

        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()), NOW.plusSeconds(20))));
        String rotated = sign(rsa2, claims().build());
        assertUnavailable(policy.check(bearer(rotated, NOW.plusSeconds(20))), rotated, url);
        // Within the retry pause the gateway does not try again, and still can't tell.
        assertUnavailable(policy.check(bearer(rotated, NOW.plusSeconds(21))), rotated, url);
    }

    @Test
    void anErrorStatusOrAnUnparsableDocumentMeans503() {
        status.set(500);
        assertUnavailable(policy().check(bearer(sign(rsa1, claims().build()))));
        status.set(200);
        body.set("<html>not json</html>");
        assertUnavailable(policy().check(bearer(sign(rsa1, claims().build()))));
    }

    @Test
    void aSlowServerIsBoundedByTheTimeoutAndRecoveryIsPickedUp() {
        delayMillis.set(3000);
        JwtPolicy policy = policy(Map.of("gateway.jwt.jwks-timeout-millis", "300"));
        long start = System.nanoTime();
        assertUnavailable(policy.check(bearer(sign(rsa1, claims().build()))));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 2500, "the fetch was bounded, took " + tookMillis + " ms");

        delayMillis.set(0);
        assertUnavailable(policy.check(bearer(sign(rsa1, claims().build()), NOW.plusSeconds(1))));
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()), NOW.plusSeconds(6))));
    }

    @Test
    void anOutageIsLoggedOnceAtWarningWithoutTheQuery() {
        server.stop(0);
        server = null;
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(JwksCache.class.getName());
        logger.addHandler(handler);
        try {
            JwtPolicy policy = policy();
            for (int i = 0; i < 4; i++) {
                policy.check(bearer(sign(rsa1, claims().build()), NOW.plusSeconds(10L * i)));
            }
        } finally {
            logger.removeHandler(handler);
        }
        List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        assertEquals(1, warnings.size());
        String text = new java.util.logging.SimpleFormatter().formatMessage(warnings.get(0));
        assertTrue(text.contains("/jwks"), text);
        assertTrue(!text.contains("tenant=t1"), text);
    }

    @Test
    void describeShowsTheUrlKindWithoutTheQuery() {
        var keySource = policy().describe().getJsonObject("keySource");
        assertEquals("jwksUrl", keySource.getString("kind"));
        assertEquals("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks?…", keySource.getString("location"));
        assertEquals(2000, keySource.getInt("timeoutMillis"));
    }
}
