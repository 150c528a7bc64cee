package dev.wsgateway.policy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.route.Route;
import io.github.bucket4j.TimeMeter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared pieces of the rate-limit tests: a settable clock, routes, contexts, policies from JSON. */
public final class RateLimitTestSupport {

    /** A clock the test moves by hand. */
    public static final class TestClock implements TimeMeter {
        private long nanos = Duration.ofDays(1000).toNanos();

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        public void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private RateLimitTestSupport() {
    }

    static Route route(String id) {
        return new Route(id, "/" + id, URI.create("ws://127.0.0.1:9000/" + id), List.of(), 1000, 60, 1024, 30, true,
                List.of(), 1);
    }

    static HandshakeContext fromIp(Route route, String ip) {
        return new HandshakeContext(route, Map.of(), null, List.of(), "127.0.0.1", ip, false, Instant.now());
    }

    static HandshakeContext withApiKey(Route route, String ip, String keyId) {
        HandshakeContext context = fromIp(route, ip);
        context.apiKey(keyId);
        context.authenticated("apiKey", "key-" + keyId, null);
        return context;
    }

    static HandshakeContext asUser(Route route, String ip, String user) {
        HandshakeContext context = fromIp(route, ip);
        context.authenticated("basic", user, user);
        return context;
    }

    static void assertRejected(HandshakeDecision decision, int status, String detail, String retryAfter) {
        assertEquals(status, decision.status(), () -> "status, decision " + decision);
        assertEquals(detail, decision.detail());
        assertEquals(Map.of("Retry-After", retryAfter), decision.headers());
    }
}
