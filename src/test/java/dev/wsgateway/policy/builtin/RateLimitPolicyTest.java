package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.json;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.policy;
import static dev.wsgateway.policy.builtin.RateLimitTestSupport.asUser;
import static dev.wsgateway.policy.builtin.RateLimitTestSupport.assertRejected;
import static dev.wsgateway.policy.builtin.RateLimitTestSupport.fromIp;
import static dev.wsgateway.policy.builtin.RateLimitTestSupport.route;
import static dev.wsgateway.policy.builtin.RateLimitTestSupport.withApiKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.builtin.RateLimitTestSupport.TestClock;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyChain;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.Route;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {
    private final TestClock clock = new TestClock();
    private final LocalBucketStore store = new LocalBucketStore(100_000, clock);
    private final ConnectionCounters counters = new ConnectionCounters();
    private final RateLimitPolicyFactory factory = new RateLimitPolicyFactory(store, counters);
    private final Route route = route("chat");

    private HandshakeDecision connect(HandshakePolicy policy, String ip) {
        return policy.check(fromIp(route, ip));
    }

    /** Runs the policy and keeps the context, whose session-end actions end the session. */
    private HandshakeContext open(HandshakePolicy policy, String ip) {
        HandshakeContext context = fromIp(route, ip);
        assertTrue(policy.check(context).permitted(), "handshake from " + ip);
        return context;
    }

    private static void end(HandshakeContext session) {
        session.takeSessionEndActions().forEach(Runnable::run);
    }

    @Test
    void typeAndOrder() {
        HandshakePolicy policy = policy(factory, "{'maxConnections': 1}");
        assertEquals("rateLimit", policy.type());
        assertEquals(PolicyOrder.RATE_LIMIT, policy.order());
    }

    @Test
    void identityRatePerSecond() {
        HandshakePolicy policy = policy(factory, "{'identity': [{'limit': 2, 'per': 'second'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertRejected(connect(policy, "10.0.0.1"), 429, "too many connections per second for this client", "1");
        assertTrue(connect(policy, "10.0.0.2").permitted(), "another client has its own bucket");

        clock.advance(Duration.ofMillis(500));
        assertTrue(connect(policy, "10.0.0.1").permitted(), "greedy refill: one token back after half a second");
        assertFalse(connect(policy, "10.0.0.1").permitted());
    }

    @Test
    void routeRatePerMinuteCountsAllClientsAndSaysWhenToRetry() {
        HandshakePolicy policy = policy(factory, "{'route': [{'limit': 3, 'per': 'minute'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.2").permitted());
        assertTrue(connect(policy, "10.0.0.3").permitted());
        assertRejected(connect(policy, "10.0.0.4"), 429, "too many connections per minute for this route", "20");

        clock.advance(Duration.ofSeconds(5));
        assertRejected(connect(policy, "10.0.0.4"), 429, "too many connections per minute for this route", "15");
        clock.advance(Duration.ofSeconds(15));
        assertTrue(connect(policy, "10.0.0.4").permitted());
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertEquals(1, RateLimitPolicy.retryAfterSeconds(0));
        assertEquals(1, RateLimitPolicy.retryAfterSeconds(1));
        assertEquals(1, RateLimitPolicy.retryAfterSeconds(1_000_000_000L));
        assertEquals(2, RateLimitPolicy.retryAfterSeconds(1_000_000_001L));
        assertEquals(86_400, RateLimitPolicy.retryAfterSeconds(Duration.ofDays(1).toNanos()));
    }

    @Test
    void dailyQuotaRefillsWholeWhenTheDayIsOver() {
        HandshakePolicy policy = policy(factory, "{'identity': [{'limit': 2, 'per': 'day'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        clock.advance(Duration.ofHours(10));
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertRejected(connect(policy, "10.0.0.1"), 429, "daily connection quota used up for this client",
                Long.toString(Duration.ofHours(14).toSeconds()));
        clock.advance(Duration.ofHours(13));
        assertFalse(connect(policy, "10.0.0.1").permitted(), "a quota does not trickle back");
        clock.advance(Duration.ofHours(1));
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertFalse(connect(policy, "10.0.0.1").permitted());
    }

    @Test
    void routeQuotaAndRateTogetherNameTheLimitThatIsReached() {
        HandshakePolicy policy = policy(factory,
                "{'route': [{'limit': 3, 'per': 'day'}, {'limit': 2, 'per': 'second'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.2").permitted());
        assertRejected(connect(policy, "10.0.0.3"), 429, "too many connections per second for this route", "1");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(connect(policy, "10.0.0.3").permitted());
        clock.advance(Duration.ofSeconds(1));
        HandshakeDecision quota = connect(policy, "10.0.0.4");
        assertRejected(quota, 429, "daily connection quota used up for this route",
                Long.toString(Duration.ofDays(1).minusSeconds(2).toSeconds()));
    }

    @Test
    void aRouteRefusalTakesNoTokenFromTheClient() {
        HandshakePolicy policy = policy(factory,
                "{'identity': [{'limit': 1, 'per': 'day'}], 'route': [{'limit': 1, 'per': 'second'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertRejected(connect(policy, "10.0.0.2"), 429, "too many connections per second for this route", "1");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(connect(policy, "10.0.0.2").permitted(), "its daily token was given back");
        clock.advance(Duration.ofSeconds(1));
        assertRejected(connect(policy, "10.0.0.2"), 429, "daily connection quota used up for this client",
                Long.toString(Duration.ofDays(1).minusSeconds(2).toSeconds())); // its day began with the refused try
    }

    @Test
    void aClientRefusalTakesNoTokenFromTheRoute() {
        HandshakePolicy policy = policy(factory,
                "{'identity': [{'limit': 1, 'per': 'day'}], 'route': [{'limit': 2, 'per': 'day'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertFalse(connect(policy, "10.0.0.1").permitted());
        assertFalse(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.2").permitted(), "the route's second token is still there");
        assertRejected(connect(policy, "10.0.0.3"), 429, "daily connection quota used up for this route", "86400");
    }

    @Test
    void perIdentityCapIsGivenBackWhenTheSessionEnds() {
        HandshakePolicy policy = policy(factory, "{'maxConnectionsPerIdentity': 2}");
        HandshakeContext first = open(policy, "10.0.0.1");
        open(policy, "10.0.0.1");
        assertRejected(connect(policy, "10.0.0.1"), 429, "too many open connections for this client", "1");
        assertTrue(connect(policy, "10.0.0.2").permitted(), "another client has its own slots");

        end(first);
        HandshakeContext third = open(policy, "10.0.0.1");
        assertFalse(connect(policy, "10.0.0.1").permitted());
        assertEquals(2, counters.count("chat", "ip:10.0.0.1"));
        end(third);
        assertEquals(1, counters.count("chat", "ip:10.0.0.1"));
    }

    @Test
    void routeCapRefusesWith503() {
        HandshakePolicy policy = policy(factory, "{'maxConnections': 2}");
        HandshakeContext a = open(policy, "10.0.0.1");
        HandshakeContext b = open(policy, "10.0.0.2");
        assertRejected(connect(policy, "10.0.0.3"), 503, "too many open connections on this route", "1");
        end(a);
        HandshakeContext c = open(policy, "10.0.0.3");
        end(b);
        end(c);
        assertEquals(0, counters.count("chat", null));
        assertEquals(0, counters.size(), "counters at zero are removed");
    }

    @Test
    void releasingTwiceGivesBackOneSlot() {
        HandshakePolicy policy = policy(factory, "{'maxConnections': 2, 'maxConnectionsPerIdentity': 2}");
        HandshakeContext first = open(policy, "10.0.0.1");
        List<Runnable> actions = first.takeSessionEndActions();
        open(policy, "10.0.0.1");
        actions.forEach(Runnable::run);
        actions.forEach(Runnable::run);
        assertEquals(1, counters.count("chat", null));
        assertEquals(1, counters.count("chat", "ip:10.0.0.1"));
        open(policy, "10.0.0.1");
        assertFalse(connect(policy, "10.0.0.2").permitted(), "the second release freed nothing");
        assertTrue(first.takeSessionEndActions().isEmpty());
    }

    @Test
    void aCapRefusalGivesBackTheRateTokensAndTheOtherSlot() {
        HandshakePolicy policy = policy(factory,
                "{'route': [{'limit': 2, 'per': 'day'}], 'maxConnections': 1, 'maxConnectionsPerIdentity': 1}");
        HandshakeContext a = open(policy, "10.0.0.1");
        assertRejected(connect(policy, "10.0.0.2"), 503, "too many open connections on this route", "1");
        assertEquals(0, counters.count("chat", "ip:10.0.0.2"), "the client slot taken before is given back");
        assertRejected(connect(policy, "10.0.0.1"), 429, "too many open connections for this client", "1");
        end(a);
        assertTrue(connect(policy, "10.0.0.3").permitted(), "the refused handshakes took no route token");
        assertFalse(connect(policy, "10.0.0.4").permitted());
    }

    @Test
    void aLaterRejectionInTheChainGivesTheSlotsBack() {
        HandshakePolicy limits = policy(factory, "{'maxConnections': 1, 'maxConnectionsPerIdentity': 1}");
        HandshakePolicy refuses = new HandshakePolicy() {
            public String type() {
                return "refuses";
            }

            public int order() {
                return PolicyOrder.HEADERS;
            }

            public HandshakeDecision check(HandshakeContext context) {
                return HandshakeDecision.reject(403, "no");
            }

            public JsonObject describe() {
                return json("{}");
            }
        };
        PolicyChain chain = new PolicyChain(List.of(refuses, limits));
        assertEquals(403, chain.run(fromIp(route, "10.0.0.1")).status());
        assertEquals(0, counters.size());
        assertTrue(new PolicyChain(List.of(limits)).run(fromIp(route, "10.0.0.1")).permitted());
    }

    @Test
    void identitiesComeFromApiKeyThenPrincipalThenAddress() {
        HandshakePolicy policy = policy(factory, "{'identity': [{'limit': 1, 'per': 'minute'}]}");
        assertTrue(policy.check(withApiKey(route, "10.0.0.1", "k1")).permitted());
        assertRejected(policy.check(withApiKey(route, "10.0.0.2", "k1")), 429,
                "too many connections per minute for this client", "60");
        assertTrue(policy.check(withApiKey(route, "10.0.0.1", "k2")).permitted(), "another key, same address");

        assertTrue(policy.check(asUser(route, "10.0.0.3", "alice")).permitted());
        assertFalse(policy.check(asUser(route, "10.0.0.4", "alice")).permitted(), "same user, other address");
        assertTrue(policy.check(asUser(route, "10.0.0.3", "bob")).permitted());

        assertTrue(connect(policy, "10.0.0.1").permitted(), "anonymous: its address, not the key used from it");
        assertFalse(connect(policy, "10.0.0.1").permitted());
    }

    @Test
    void perIdentityCapCountsByKey() {
        HandshakePolicy policy = policy(factory, "{'maxConnectionsPerIdentity': 1}");
        HandshakeContext session = withApiKey(route, "10.0.0.1", "k1");
        assertTrue(policy.check(session).permitted());
        assertEquals(429, policy.check(withApiKey(route, "10.0.0.2", "k1")).status());
        assertEquals(1, counters.count("chat", "key:k1"));
        end(session);
        assertTrue(policy.check(withApiKey(route, "10.0.0.2", "k1")).permitted());
    }

    @Test
    void routesAreCountedApart() {
        HandshakePolicy rate = policy(factory, "{'route': [{'limit': 1, 'per': 'hour'}]}");
        assertTrue(rate.check(fromIp(route("a"), "10.0.0.1")).permitted());
        assertTrue(rate.check(fromIp(route("b"), "10.0.0.1")).permitted());
        assertEquals(429, rate.check(fromIp(route("a"), "10.0.0.2")).status());
        HandshakePolicy cap = policy(factory, "{'maxConnections': 1}");
        assertTrue(cap.check(fromIp(route("a"), "10.0.0.1")).permitted());
        assertTrue(cap.check(fromIp(route("b"), "10.0.0.1")).permitted());
        assertEquals(503, cap.check(fromIp(route("a"), "10.0.0.2")).status());
    }

    @Test
    void stateSurvivesARebuiltPolicy() {
        String settings = "{'identity': [{'limit': 1, 'per': 'day'}], 'maxConnections': 1}";
        HandshakePolicy v1 = policy(factory, settings);
        HandshakeContext session = open(v1, "10.0.0.1");

        HandshakePolicy v2 = policy(factory, settings);
        assertEquals(503, connect(v2, "10.0.0.2").status(), "the session opened under v1 still counts");
        end(session);
        assertEquals(429, connect(v2, "10.0.0.1").status(), "the quota used under v1 still counts");
        assertTrue(connect(v2, "10.0.0.2").permitted());
    }

    @Test
    void aChangedLimitStartsAFreshBucket() {
        HandshakePolicy v1 = policy(factory, "{'identity': [{'limit': 1, 'per': 'day'}]}");
        assertTrue(connect(v1, "10.0.0.1").permitted());
        assertFalse(connect(v1, "10.0.0.1").permitted());
        HandshakePolicy v2 = policy(factory, "{'identity': [{'limit': 2, 'per': 'day'}]}");
        assertTrue(connect(v2, "10.0.0.1").permitted());
    }

    @Test
    void beyondTheTrackedIdentitiesNewClientsShareOneBucket() {
        LocalBucketStore small = new LocalBucketStore(2, clock);
        RateLimitPolicyFactory smallFactory = new RateLimitPolicyFactory(small, new ConnectionCounters());
        HandshakePolicy policy = policy(smallFactory, "{'identity': [{'limit': 1, 'per': 'minute'}]}");
        assertTrue(connect(policy, "10.0.0.1").permitted());
        assertTrue(connect(policy, "10.0.0.2").permitted());
        assertTrue(connect(policy, "10.0.0.3").permitted(), "the first untracked client");
        assertRejected(connect(policy, "10.0.0.4"), 429, "too many connections per minute for this client", "60");
        assertFalse(connect(policy, "10.0.0.1").permitted(), "tracked clients keep their own bucket");
        assertEquals(2, small.trackedIdentities());

        clock.advance(Duration.ofMinutes(1));
        assertTrue(connect(policy, "10.0.0.4").permitted(), "full buckets swept: a place again");
        assertTrue(connect(policy, "10.0.0.5").permitted());
        assertTrue(small.trackedIdentities() <= 2);
    }

    @Test
    void describeShowsTheEffectiveSettings() {
        HandshakePolicy policy = policy(factory, "{'route': [{'limit': 100000, 'per': 'day'}, {'limit': 100, 'per': 'second'}],"
                + " 'maxConnectionsPerIdentity': 5}");
        assertEquals(json("{'route': [{'limit': 100, 'per': 'second', 'refill': 'greedy'},"
                + " {'limit': 100000, 'per': 'day', 'refill': 'interval'}], 'identity': [],"
                + " 'maxConnections': null, 'maxConnectionsPerIdentity': 5}"), policy.describe());
    }

    @Test
    void manyDistinctClientsLeaveNoCountersBehind() {
        HandshakePolicy policy = policy(factory, "{'maxConnectionsPerIdentity': 1, 'maxConnections': 10000}");
        List<HandshakeContext> sessions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sessions.add(open(policy, "10.0." + (i / 256) + "." + (i % 256)));
        }
        assertEquals(501, counters.size());
        sessions.forEach(RateLimitPolicyTest::end);
        assertEquals(0, counters.size());
    }
}
