package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.BOTH;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertClose;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.error;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.json;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.policy;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.Verdict;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPolicyTest {
    private final JsonPolicyFactory factory = new JsonPolicyFactory();
    private final TestMessageContext session = TestMessageContext.anonymous("s1", "10.0.0.1");

    private Verdict check(JsonPolicy policy, String text) {
        return policy.onMessage(Message.text(Flow.CLIENT_TO_BACKEND, text), session);
    }

    @Test
    void forwardsEveryKindOfWellFormedValue() {
        JsonPolicy policy = policy(factory, BOTH, "{}");
        for (String text : List.of("{\"a\": [1, 2.5, true, null, \"x\"]}", "[]", "\"text\"", "42", "null",
                "  {\"nested\": {\"deep\": [{}]}}  \n", "{\"a\": 1, \"a\": 2}", "\"caf\u00e9 \u2603\"")) {
            assertEquals(Verdict.FORWARD, check(policy, text), text);
        }
    }

    @Test
    void closesWith1007AndWhereTheParserStoppedOnMalformedJson() {
        JsonPolicy policy = policy(factory, BOTH, "{}");
        assertClose(1007, "invalid JSON at line 1, column 6", check(policy, "{\"a\" 1}"));
        assertClose(1007, "invalid JSON at line 2, column 1", check(policy, "{\"a\": 1,\n}"));
        assertClose(1007, "invalid JSON: empty message", check(policy, ""));
        assertClose(1007, "invalid JSON: empty message", check(policy, "   "));
    }

    @Test
    void refusesWhatLenientParsersAccept() {
        JsonPolicy policy = policy(factory, BOTH, "{}");
        for (String text : List.of("{'a': 1}", "{a: 1}", "[1,]", "// c\n{}", "NaN", "{\"a\": 01}", "{} {}", "1 2",
                "{\"a\": 1} x", "[1]]")) {
            Verdict verdict = check(policy, text);
            assertEquals(1007, verdict instanceof Verdict.Close close ? close.code() : -1, text + " -> " + verdict);
        }
    }

    @Test
    void reasonNamesNoContent() {
        JsonPolicy policy = policy(factory, BOTH, "{}");
        Verdict.Close close = (Verdict.Close) check(policy, "{\"password\": secret}");
        assertEquals("invalid JSON at line 1, column 14", close.reason());
    }

    @Test
    void nestingBeyondTheParsersLimitIsInvalid() {
        JsonPolicy policy = policy(factory, BOTH, "{}");
        Verdict verdict = check(policy, "[".repeat(5000) + "]".repeat(5000));
        assertEquals(1007, ((Verdict.Close) verdict).code());
    }

    @Test
    void binaryMessagesAreRejectedWith1003UnlessForwarded() {
        Message binary = Message.binary(Flow.BACKEND_TO_CLIENT, ByteBuffer.wrap(new byte[] {1, 2}));
        assertClose(1003, "json: binary messages are not accepted",
                MessagePolicyTestSupport.<JsonPolicy>policy(factory, BOTH, "{}").onMessage(binary, session));
        JsonPolicy lenient = policy(factory, BOTH, "{'binary': 'forward'}");
        assertEquals(Verdict.FORWARD, lenient.onMessage(binary, session));
    }

    @Test
    void describesItsSettings() {
        assertEquals(json("{'binary': 'reject'}"), policy(factory, BOTH, "{}").describe());
        assertEquals(json("{'binary': 'forward'}"), policy(factory, BOTH, "{'binary': 'forward'}").describe());
        assertEquals(BOTH, policy(factory, BOTH, "{}").flows());
        assertEquals("json", policy(factory, BOTH, "{}").type());
    }

    @Test
    void reportsBadSettings() {
        assertEquals(List.of(error("binary", "must be reject or forward")), problems(factory, "{'binary': 'accept'}"));
        assertEquals(List.of(error("binary", "must be a string")), problems(factory, "{'binary': true}"));
        assertEquals(List.of(error("strict", "unknown field")), problems(factory, "{'strict': true}"));
    }
}
