package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.CLIENT_TO_BACKEND;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertClose;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.error;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.json;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.policy;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.Verdict;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectPolicyTest {
    private final InjectPolicyFactory factory = new InjectPolicyFactory();
    private final TestMessageContext alice = TestMessageContext.user("s1", "alice",
            Map.of("tenant", "acme", "roles", List.of("admin", "dev"), "level", 3));

    private static String replaced(Verdict verdict) {
        Verdict.Replace replace = assertInstanceOf(Verdict.Replace.class, verdict);
        assertEquals(Flow.CLIENT_TO_BACKEND, replace.message().flow());
        return replace.message().text();
    }

    private static Verdict send(InjectPolicy policy, String text, TestMessageContext session) {
        return policy.onMessage(Message.text(Flow.CLIENT_TO_BACKEND, text), session);
    }

    @Test
    void addsTheSessionsValuesAfterTheClientsFields() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND,
                "{'fields': {'user': 'principal', 'tenant': 'claim:tenant', 'route': 'routeId'}}");
        assertEquals("{\"text\":\"hi\",\"user\":\"alice\",\"tenant\":\"acme\",\"route\":\"chat\"}",
                replaced(send(policy, "{\"text\": \"hi\"}", alice)));
    }

    @Test
    void stripsForgedCopiesWhereverTheClientPutThem() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}}");
        assertEquals("{\"a\":1,\"b\":2,\"user\":\"alice\"}",
                replaced(send(policy, "{\"user\": \"mallory\", \"a\": 1, \"user\": \"eve\", \"b\": 2}", alice)));
        // A nested field of the same name is the client's own data, not the injected one.
        assertEquals("{\"to\":{\"user\":\"bob\"},\"user\":\"alice\"}",
                replaced(send(policy, "{\"to\": {\"user\": \"bob\"}}", alice)));
    }

    @Test
    void intoPutsTheValuesInOneObjectAndReplacesTheClientsCopyWhole() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND,
                "{'fields': {'user': 'principal', 'roles': 'claim:roles', 'level': 'claim:level'}, 'into': '_gateway'}");
        assertEquals("{\"user\":\"mallory\",\"_gateway\":{\"user\":\"alice\",\"roles\":[\"admin\",\"dev\"],\"level\":3}}",
                replaced(send(policy, "{\"_gateway\": {\"user\": \"mallory\", \"admin\": true, \"nested\": {\"x\": 1}},"
                        + " \"user\": \"mallory\"}", alice)));
    }

    @Test
    void absentValuesAreNull() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND,
                "{'fields': {'user': 'principal', 'key': 'apiKeyId', 'tenant': 'claim:tenant'}}");
        TestMessageContext anonymous = TestMessageContext.anonymous("s2", "192.0.2.7");
        assertEquals("{\"user\":null,\"key\":null,\"tenant\":null}",
                replaced(send(policy, "{\"user\": \"root\", \"key\": \"k1\"}", anonymous)));
    }

    @Test
    void everyKindOfValue() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'p': 'principal', 's': 'subject',"
                + " 'm': 'method', 'k': 'apiKeyId', 'i': 'identity', 'r': 'routeId', 'sid': 'sessionId',"
                + " 'ip': 'clientAddress', 'c': 'claim:tenant', 'h': 'header:X-Request-Id'}}");
        TestMessageContext session = new TestMessageContext("orders", "s9", "198.51.100.4",
                new Credentials("svc", "apiKey", "k42", null, null, null, false, Map.of("tenant", "t1")))
                .header("x-request-id", "req-1");
        assertEquals("{\"p\":\"svc\",\"s\":null,\"m\":\"apiKey\",\"k\":\"k42\",\"i\":\"key:k42\",\"r\":\"orders\","
                + "\"sid\":\"s9\",\"ip\":\"198.51.100.4\",\"c\":\"t1\",\"h\":\"req-1\"}", replaced(send(policy, "{}", session)));
    }

    @Test
    void nonObjectJsonIsRejectedWith1008UnlessForwarded() {
        InjectPolicy strict = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}}");
        assertClose(1008, "inject: a message must be a JSON object", send(strict, "[{\"user\": \"mallory\"}]", alice));
        assertClose(1008, "inject: a message must be a JSON object", send(strict, "\"hello\"", alice));
        InjectPolicy lenient = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}, 'nonObject': 'forward'}");
        assertEquals(Verdict.FORWARD, send(lenient, "[1, 2]", alice));
    }

    @Test
    void invalidJsonIs1007() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}}");
        assertClose(1007, "invalid JSON at line 1, column 2", send(policy, "{user: 1}", alice));
    }

    @Test
    void binaryMessagesAreRejectedUnlessForwarded() {
        Message binary = Message.binary(Flow.CLIENT_TO_BACKEND, ByteBuffer.wrap(new byte[] {7}));
        InjectPolicy strict = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}}");
        assertClose(1003, "inject: binary messages are not accepted", strict.onMessage(binary, alice));
        InjectPolicy lenient = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal'}, 'binary': 'forward'}");
        assertEquals(Verdict.FORWARD, lenient.onMessage(binary, alice));
    }

    @Test
    void describesItsSettings() {
        InjectPolicy policy = policy(factory, CLIENT_TO_BACKEND, "{'fields': {'user': 'principal', 't': 'claim:tenant'}}");
        assertEquals(json("{'fields': {'user': 'principal', 't': 'claim:tenant'}, 'into': null, 'nonObject': 'reject',"
                + " 'binary': 'reject'}"), policy.describe());
    }

    @Test
    void reportsBadSettings() {
        assertEquals(List.of(error("fields", "is required: {\"fieldName\": \"principal\", ...}")), problems(factory, "{}"));
        assertEquals(List.of(error("fields", "must name at least one field")), problems(factory, "{'fields': {}}"));
        assertEquals(List.of(error("fields", "must be an object")), problems(factory, "{'fields': ['principal']}"));
        String names = "must be one of " + SessionValue.NAMES;
        assertEquals(List.of(error("fields.user", names), error("fields.t", names), error("fields.n", names),
                        error("fields.x", names)),
                problems(factory, "{'fields': {'user': 'password', 't': 'claim:', 'n': 5, 'x': 'header:'}}"));
        assertEquals(List.of(error("fields. ", "a field name must not be blank")),
                problems(factory, "{'fields': {' ': 'principal'}}"));
        assertEquals(List.of(error("into", "must not be blank"), error("nonObject", "must be reject or forward")),
                problems(factory, "{'fields': {'u': 'principal'}, 'into': ' ', 'nonObject': 'wrap'}"));
        assertEquals(List.of(error("strip", "unknown field")), problems(factory, "{'fields': {'u': 'principal'}, 'strip': true}"));
    }
}
