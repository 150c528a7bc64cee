package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.BOTH;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertClose;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.error;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.json;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.policy;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wsgateway.policy.DeadlineText;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.Verdict;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DenyPatternPolicyTest {
    private final DenyPatternPolicyFactory factory = new DenyPatternPolicyFactory();
    private final TestMessageContext session = TestMessageContext.anonymous("s1", "10.0.0.1");

    private Verdict send(DenyPatternPolicy policy, String text) {
        return policy.onMessage(Message.text(Flow.BACKEND_TO_CLIENT, text), session);
    }

    @Test
    void closesWith1008NamingThePatternsIndexNotTheText() {
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['(?i)drop\\\\s+table', '<script']}");
        assertClose(1008, "message matches denied pattern 0", send(policy, "x'; DROP  TABLE users; --"));
        assertClose(1008, "message matches denied pattern 1", send(policy, "hello <script>alert(1)</script>"));
        assertEquals(Verdict.FORWARD, send(policy, "drop the table, please"));
    }

    @Test
    void dropsInsteadWhenConfigured() {
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['secret'], 'action': 'drop'}");
        assertEquals(Verdict.drop("message matches denied pattern 0"), send(policy, "the secret is 42"));
    }

    @Test
    void binaryMessagesAreNotSearched() {
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['.']}");
        assertEquals(Verdict.FORWARD, policy.onMessage(Message.binary(Flow.CLIENT_TO_BACKEND,
                ByteBuffer.wrap("anything".getBytes())), session));
        assertClose(1008, "message matches denied pattern 0", send(policy, "anything"));
    }

    @Test
    @Timeout(30) // "it returns": no other timing is asserted
    void aCatastrophicPatternIsStoppedAndCountsAsAMatch() {
        // (.*a){12}$ tries about n^12 ways on 60 a's and a '!': without the deadline it would not return in any
        // useful time. ^(a+)+\1b backtracks exponentially (the back reference defeats the JDK's loop memo).
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['harmless', '(.*a){12}$'], 'timeoutMillis': 20}");
        assertClose(1008, "denied pattern 1 timed out (counted as a match)", send(policy, "a".repeat(60) + "!"));
        DenyPatternPolicy dropping = policy(factory, BOTH,
                "{'patterns': ['^(a+)+\\\\1b'], 'action': 'drop', 'timeoutMillis': 1}");
        assertEquals(Verdict.drop("denied pattern 0 timed out (counted as a match)"),
                send(dropping, "a".repeat(60) + "!"));
    }

    @Test
    @Timeout(30)
    void theClassicNestedQuantifierReturnsOnThisJdk() {
        // Since JDK 9 the matcher memoizes greedy group loops, so (a+)+$ fails fast here; it must simply return.
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['(a+)+$'], 'timeoutMillis': 50}");
        Verdict verdict = send(policy, "a".repeat(40) + "!");
        assertEquals(true, verdict == Verdict.FORWARD || verdict instanceof Verdict.Close, verdict.toString());
    }

    @Test
    void aPatternThatOverflowsTheStackCountsAsAMatch() {
        // java.util.regex recurses once per repetition of an alternation group: 200,000 of them overflow the stack.
        DenyPatternPolicy policy = policy(factory, BOTH, "{'patterns': ['^(a|b)*c']}");
        assertClose(1008, "denied pattern 0 overflowed the stack (counted as a match)", send(policy, "ab".repeat(100_000)));
        assertEquals(Verdict.FORWARD, send(policy, "ab".repeat(10) + "!"));
    }

    @Test
    void theDeadlineTextStopsOnceItsBudgetIsUsedUp() {
        DeadlineText none = new DeadlineText("x".repeat(10), 0);
        for (int i = 0; i < 2 * DeadlineText.CHECK_EVERY - 1; i++) {
            none.charAt(i % 10); // the budget starts at the first reading, after CHECK_EVERY reads
        }
        long start = DeadlineText.now();
        while (DeadlineText.now() == start) {
            none.length(); // let the clock move on, however coarse it is
        }
        assertThrows(DeadlineText.TimedOut.class, () -> none.charAt(0));
        DeadlineText ample = new DeadlineText("xyz", 60_000_000_000L);
        for (int i = 0; i < 3 * DeadlineText.CHECK_EVERY; i++) {
            ample.charAt(i % 3);
        }
        assertEquals("yz", ample.subSequence(1, 3).toString());
        assertEquals(3, ample.length());
    }

    @Test
    void describesItsSettings() {
        assertEquals(json("{'patterns': ['a+b', 'c'], 'action': 'close', 'timeoutMillis': 50}"),
                policy(factory, BOTH, "{'patterns': ['a+b', 'c']}").describe());
        assertEquals(json("{'patterns': ['x'], 'action': 'drop', 'timeoutMillis': 5}"),
                policy(factory, BOTH, "{'patterns': ['x'], 'action': 'drop', 'timeoutMillis': 5}").describe());
    }

    @Test
    void reportsBadSettings() {
        assertEquals(List.of(error("patterns", "is required: an array of regular expressions")), problems(factory, "{}"));
        assertEquals(List.of(error("patterns", "must be an array of regular expressions")),
                problems(factory, "{'patterns': 'a'}"));
        assertEquals(List.of(error("patterns", "must list 1 to 100 regular expressions")),
                problems(factory, "{'patterns': []}"));
        assertEquals(List.of(error("patterns[1]", "is not a valid regular expression: Unclosed group near index 3"),
                        error("patterns[2]", "must be a non-empty string"), error("patterns[3]", "must be a non-empty string")),
                problems(factory, "{'patterns': ['ok', '(ab', 5, '']}"));
        assertEquals(List.of(error("action", "must be close or drop"), error("timeoutMillis", "must be between 1 and 1000")),
                problems(factory, "{'patterns': ['x'], 'action': 'log', 'timeoutMillis': 0}"));
        assertEquals(List.of(error("timeoutMillis", "must be between 1 and 1000")),
                problems(factory, "{'patterns': ['x'], 'timeoutMillis': 1001}"));
        assertEquals(List.of(error("flags", "unknown field")), problems(factory, "{'patterns': ['x'], 'flags': 'i'}"));
    }
}
