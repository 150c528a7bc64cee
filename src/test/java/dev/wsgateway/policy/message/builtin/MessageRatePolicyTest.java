package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.BOTH;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.CLIENT_TO_BACKEND;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertClose;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.error;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.json;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.policy;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.builtin.LocalBucketStore;
import dev.wsgateway.policy.builtin.RateLimitTestSupport.TestClock;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageRatePolicyTest {
    private final TestClock clock = new TestClock();
    private final MessageRatePolicyFactory factory = new MessageRatePolicyFactory(new LocalBucketStore(2, clock), clock);
    private final TestMessageContext session = TestMessageContext.anonymous("s1", "10.0.0.1");

    /** A whole message in one frame. */
    private static Fragment whole(Flow flow, int bytes) {
        return new Fragment(flow, "x".repeat(bytes), null, true, true, bytes, bytes);
    }

    private static Verdict send(MessageRatePolicy policy, TestMessageContext context, int bytes) {
        return policy.onFrame(whole(Flow.CLIENT_TO_BACKEND, bytes), context);
    }

    private static Verdict.Drop drop(String reason) {
        return new Verdict.Drop(reason);
    }

    @Test
    void dropsMessagesBeyondTheBurstUntilTheRateRefills() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 2, 'burst': 3}");
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.FORWARD, send(policy, session, 10), "message " + i);
        }
        assertEquals(drop("message rate exceeded"), send(policy, session, 10));
        clock.advance(Duration.ofMillis(500)); // one token back
        assertEquals(Verdict.FORWARD, send(policy, session, 10));
        assertEquals(drop("message rate exceeded"), send(policy, session, 10));
    }

    @Test
    void closesWith1008WhenTheActionIsClose() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1, 'action': 'close'}");
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
        assertClose(1008, "message rate exceeded", send(policy, session, 1));
    }

    @Test
    void countsAMessageOnceOnItsFirstFrame() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1}");
        Flow flow = Flow.CLIENT_TO_BACKEND;
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, "ab", null, true, false, 2, 2), session));
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, "cd", null, false, false, 2, 4), session));
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, "e", null, false, true, 1, 5), session));
        assertEquals(drop("message rate exceeded"), send(policy, session, 1));
    }

    @Test
    void dropsEveryFrameOfAMessageWhoseFirstFrameWasDropped() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1}");
        Flow flow = Flow.CLIENT_TO_BACKEND;
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
        assertEquals(drop("message rate exceeded"), policy.onFrame(new Fragment(flow, "a", null, true, false, 1, 1), session));
        clock.advance(Duration.ofSeconds(5)); // tokens again, but the message is still the dropped one
        assertEquals(drop("message rate exceeded"), policy.onFrame(new Fragment(flow, "b", null, false, true, 1, 2), session));
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
    }

    @Test
    void chargesBytesPerFrameAndHoldsBackTheNextMessageWhileInDebt() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'bytesPerSecond': 100}");
        Flow flow = Flow.CLIENT_TO_BACKEND;
        // A 250-byte message in three frames passes whole: it started with bytes in the bucket.
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, null, null, true, false, 50, 50), session));
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, null, null, false, false, 100, 150), session));
        assertEquals(Verdict.FORWARD, policy.onFrame(new Fragment(flow, null, null, false, true, 100, 250), session));
        assertEquals(drop("byte rate exceeded"), send(policy, session, 1)); // 150 bytes in debt
        clock.advance(Duration.ofMillis(1500)); // paid back exactly: still nothing in the bucket
        assertEquals(drop("byte rate exceeded"), send(policy, session, 1));
        clock.advance(Duration.ofMillis(10)); // one byte
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
    }

    @Test
    void aByteRateRefusalTakesNoMessageToken() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND,
                "{'messagesPerSecond': 2, 'bytesPerSecond': 10, 'action': 'close'}");
        assertEquals(Verdict.FORWARD, send(policy, session, 30));
        assertClose(1008, "byte rate exceeded", send(policy, session, 1));
        clock.advance(Duration.ofSeconds(3)); // bytes paid back; two message tokens must still be there
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
        assertClose(1008, "message rate exceeded", send(policy, session, 1));
    }

    @Test
    void perSessionEachSessionAndEachFlowHasItsOwnBuckets() {
        MessageRatePolicy policy = policy(factory, BOTH, "{'messagesPerSecond': 1}");
        TestMessageContext other = TestMessageContext.anonymous("s2", "10.0.0.1"); // same client, another session
        assertEquals(Verdict.FORWARD, send(policy, session, 1));
        assertEquals(drop("message rate exceeded"), send(policy, session, 1));
        assertEquals(Verdict.FORWARD, send(policy, other, 1));
        assertEquals(Verdict.FORWARD, policy.onFrame(whole(Flow.BACKEND_TO_CLIENT, 1), session));
        assertEquals(drop("message rate exceeded"), policy.onFrame(whole(Flow.BACKEND_TO_CLIENT, 1), session));
    }

    @Test
    void perIdentityTheSessionsOfOneClientShareBuckets() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 2, 'per': 'identity'}");
        TestMessageContext aliceOnPhone = TestMessageContext.user("s1", "alice", Map.of());
        TestMessageContext aliceOnLaptop = TestMessageContext.user("s2", "alice", Map.of());
        TestMessageContext bob = TestMessageContext.user("s3", "bob", Map.of());
        assertEquals(Verdict.FORWARD, send(policy, aliceOnPhone, 1));
        assertEquals(Verdict.FORWARD, send(policy, aliceOnLaptop, 1));
        assertEquals(drop("message rate exceeded"), send(policy, aliceOnPhone, 1));
        assertEquals(drop("message rate exceeded"), send(policy, aliceOnLaptop, 1));
        assertEquals(Verdict.FORWARD, send(policy, bob, 1));
    }

    @Test
    void perIdentityClientsBeyondTheTrackedOnesShareOneBucket() {
        // The store tracks two identities; the third and fourth share the route's untracked bucket.
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1, 'per': 'identity'}");
        for (String ip : List.of("192.0.2.1", "192.0.2.2")) {
            assertEquals(Verdict.FORWARD, send(policy, TestMessageContext.anonymous(ip, ip), 1), ip);
        }
        assertEquals(Verdict.FORWARD, send(policy, TestMessageContext.anonymous("s3", "192.0.2.3"), 1));
        assertEquals(drop("message rate exceeded"), send(policy, TestMessageContext.anonymous("s4", "192.0.2.4"), 1));
    }

    @Test
    void perIdentityAnApiKeyCountsAcrossAddresses() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1, 'per': 'identity'}");
        Credentials key = new Credentials("svc", "apiKey", "k1", null, null, null, false, Map.of());
        assertEquals(Verdict.FORWARD, send(policy, new TestMessageContext("chat", "s1", "192.0.2.1", key), 1));
        assertEquals(drop("message rate exceeded"), send(policy, new TestMessageContext("chat", "s2", "192.0.2.2", key), 1));
        // Another route counts on its own.
        assertEquals(Verdict.FORWARD, send(policy, new TestMessageContext("news", "s3", "192.0.2.1", key), 1));
    }

    @Test
    void theFastestRatesTheFactoryAcceptsMakeBuckets() {
        MessageRatePolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1000000000,"
                + " 'burst': 1000000000, 'bytesPerSecond': 1000000000, 'bytesBurst': 1000000000000}");
        assertEquals(Verdict.FORWARD, send(policy, session, 1000));
        MessageRatePolicy perIdentity = policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 1000000000,"
                + " 'bytesPerSecond': 1000000000, 'per': 'identity'}");
        assertEquals(Verdict.FORWARD, send(perIdentity, session, 1000));
    }

    @Test
    void describesItsEffectiveSettings() {
        assertEquals(json("{'messagesPerSecond': 50, 'burst': 50, 'per': 'session', 'action': 'drop'}"),
                policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 50}").describe());
        assertEquals(json("{'messagesPerSecond': 5, 'burst': 10, 'bytesPerSecond': 1000, 'bytesBurst': 4000,"
                        + " 'per': 'identity', 'action': 'close'}"),
                policy(factory, CLIENT_TO_BACKEND, "{'messagesPerSecond': 5, 'burst': 10, 'bytesPerSecond': 1000,"
                        + " 'bytesBurst': 4000, 'per': 'identity', 'action': 'close'}").describe());
    }

    @Test
    void reportsBadSettings() {
        assertEquals(List.of(error("messagesPerSecond", "a messageRate entry needs messagesPerSecond, bytesPerSecond or both")),
                problems(factory, "{}"));
        assertEquals(List.of(error("burst", "needs messagesPerSecond")), problems(factory, "{'burst': 5, 'bytesPerSecond': 9}"));
        assertEquals(List.of(error("bytesBurst", "needs bytesPerSecond")),
                problems(factory, "{'bytesBurst': 5, 'messagesPerSecond': 9}"));
        assertEquals(List.of(error("messagesPerSecond", "must be between 1 and 1000000000"),
                        error("burst", "must be an integer"), error("bytesPerSecond", "must be between 1 and 1000000000"),
                        error("bytesBurst", "must be between 1 and 1000000000000")),
                problems(factory, "{'messagesPerSecond': 0, 'burst': 1.5, 'bytesPerSecond': 1000000001,"
                        + " 'bytesBurst': 1000000000001}"));
        assertEquals(List.of(), problems(factory, "{'messagesPerSecond': 1000000000, 'burst': 1000000000,"
                + " 'bytesPerSecond': 1000000000, 'bytesBurst': 1000000000000}"));
        assertEquals(List.of(error("per", "must be session or identity"), error("action", "must be drop or close")),
                problems(factory, "{'messagesPerSecond': 1, 'per': 'route', 'action': 'reject'}"));
        assertEquals(List.of(error("per", "must be a string")), problems(factory, "{'messagesPerSecond': 1, 'per': 1}"));
        assertEquals(List.of(error("limit", "unknown field")), problems(factory, "{'messagesPerSecond': 1, 'limit': 1}"));
    }
}
