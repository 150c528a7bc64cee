package dev.wsgateway.store.pg;

import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.identity.Revocation;
import dev.wsgateway.policy.builtin.RateLimitPolicyFactory;
import dev.wsgateway.policy.builtin.RateLimitStores;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures for docs, not a test: {@code mvn -o test -Dtest=ClusterBenchmark -Dgateway.bench=true}. The
 * handshake decisions of an apiKey + rateLimit route per second with the file store and with PostgreSQL (the
 * store's share of a handshake, without the network), and the time from a revocation on one instance to the
 * other instance's close of the matching sessions (the listener that calls SessionRegistry.closeMatching).
 */
@EnabledIfSystemProperty(named = "gateway.bench", matches = "true")
class ClusterBenchmark {
    private static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:9000/chat"), List.of(),
            1000, 60, 1024, 30, true, List.of(), 1);
    private static final String LIMITS = "{\"identity\": [{\"limit\": 1000000000, \"per\": \"second\"}], "
            + "\"route\": [{\"limit\": 1000000000, \"per\": \"day\"}], \"maxConnectionsPerIdentity\": 100000}";

    @Test
    void measure() throws Exception {
        try (TestPostgres postgres = new TestPostgres()) {
            String url = postgres.createDatabase("bench");
            try (GatewayInstance a = new GatewayInstance(url, "a").started();
                 GatewayInstance b = new GatewayInstance(url, "b").started()) {
                ApiKeyStore fileKeys = new ApiKeyStore(Files.createTempDirectory("bench-keys"), Clock.systemUTC());
                fileKeys.load();
                double file = decisionsPerSecond(fileKeys, RateLimitStores.local(key -> java.util.Optional.empty()));
                double pg = decisionsPerSecond(a.keys, a.storage.rateLimits());
                System.out.printf("BENCH apiKey+rateLimit decisions/s, 8 threads: file %.0f, postgresql %.0f%n", file, pg);
                latency(a, b);
            }
        }
    }

    private static double decisionsPerSecond(ApiKeyStore keys, RateLimitStores stores) throws Exception {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            secrets.add(keys.create("bench" + i, List.of(), null).secret());
        }
        List<FieldError> errors = new ArrayList<>();
        HandshakePolicy policy = new RateLimitPolicyFactory(stores).create(new JsonFields(
                Json.createReader(new StringReader(LIMITS)).readObject(), "p.", errors));
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (String secret : secrets) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        String keyId = keys.find(secret).orElseThrow().id();
                        HandshakeContext c = new HandshakeContext(ROUTE, Map.of(), null, List.of(), "127.0.0.1",
                                "192.0.2.1", false, Instant.now());
                        c.apiKey(keyId);
                        c.authenticated("apiKey", keyId, null);
                        if (!policy.check(c).permitted()) {
                            throw new AssertionError("refused");
                        }
                        c.takeSessionEndActions().forEach(Runnable::run);
                        done.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return done.get() / 10.0;
    }

    private static void latency(GatewayInstance a, GatewayInstance b) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String subject = "user-" + i;
            CountDownLatch closed = new CountDownLatch(1);
            AtomicLong at = new AtomicLong();
            b.revocations.onRevoked(r -> {
                if (r.value().equals(subject)) {
                    at.set(System.nanoTime());
                    closed.countDown();
                }
            });
            long start = System.nanoTime();
            a.revocations.revoke(Revocation.Kind.SUBJECT, subject, null, null);
            if (!closed.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("no close on B for " + subject);
            }
            micros.add(TimeUnit.NANOSECONDS.toMicros(at.get() - start));
        }
        Collections.sort(micros);
        System.out.printf("BENCH revocation on A -> close on B over 100: median %.1f ms, p90 %.1f ms, max %.1f ms%n",
                micros.get(49) / 1000.0, micros.get(89) / 1000.0, micros.get(99) / 1000.0);
    }
}
