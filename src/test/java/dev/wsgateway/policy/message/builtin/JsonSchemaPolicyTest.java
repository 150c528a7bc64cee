package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.CLIENT_TO_BACKEND;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertClose;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.assertFitsCloseFrame;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.error;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.json;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.policy;
import static dev.wsgateway.policy.message.builtin.MessagePolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.route.FieldError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSchemaPolicyTest {
    static final String ORDER = "{'schema': {'type': 'object', 'required': ['id', 'items'], 'properties': {"
            + "'id': {'type': 'integer', 'minimum': 1},"
            + "'items': {'type': 'array', 'items': {'$ref': '#/$defs/item'}}},"
            + "'$defs': {'item': {'type': 'object', 'properties': {'name': {'type': 'string', 'maxLength': 10}},"
            + " 'required': ['name'], 'additionalProperties': false}}}}";

    private final JsonSchemaPolicyFactory factory = new JsonSchemaPolicyFactory();
    private final JsonSchemaPolicy orders = policy(factory, CLIENT_TO_BACKEND, ORDER);
    private final TestMessageContext session = TestMessageContext.anonymous("s1", "10.0.0.1");

    private Verdict check(String text) {
        return orders.onMessage(Message.text(Flow.CLIENT_TO_BACKEND, text), session);
    }

    @Test
    void forwardsAValidMessage() {
        assertEquals(Verdict.FORWARD, check("{\"id\": 7, \"items\": [{\"name\": \"tea\"}, {\"name\": \"cake\"}]}"));
    }

    @Test
    void closesWith1008AndTheFirstViolationsPointer() {
        assertClose(1008, "/items/1/name: integer found, string expected",
                check("{\"id\": 7, \"items\": [{\"name\": \"tea\"}, {\"name\": 5}]}"));
        assertClose(1008, "/id: must have a minimum value of 1", check("{\"id\": 0, \"items\": []}"));
    }

    @Test
    void aViolationOfTheWholeMessageIsAtTheRoot() {
        assertClose(1008, "(root): required property 'items' not found", check("{\"id\": 7}"));
        assertClose(1008, "(root): array found, object expected", check("[]"));
    }

    @Test
    void invalidJsonIs1007() {
        assertClose(1007, "invalid JSON at line 1, column 8", check("{\"id\": }"));
        assertClose(1007, "invalid JSON: empty message", check(""));
    }

    @Test
    void aLongPointerIsCutTo123BytesWithoutSplittingACharacter() {
        String key = "\u00e9\u2603".repeat(40); // 200 bytes of two- and three-byte characters
        String text = "{\"id\": 7, \"items\": [{\"name\": \"tea\", \"" + key + "\": 1}]}";
        Verdict.Close close = (Verdict.Close) check(text);
        assertEquals(1008, close.code());
        assertFitsCloseFrame(close.reason());
        assertTrue(close.reason().startsWith("/items/0: property '\u00e9\u2603"), close.reason());
        assertTrue(close.reason().getBytes(StandardCharsets.UTF_8).length >= 120, close.reason());
        assertEquals(close.reason(), new String(close.reason().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void binaryMessagesAreRejectedUnlessForwarded() {
        Message binary = Message.binary(Flow.CLIENT_TO_BACKEND, ByteBuffer.wrap(new byte[] {'{', '}'}));
        assertClose(1003, "jsonSchema: binary messages are not accepted", orders.onMessage(binary, session));
        JsonSchemaPolicy lenient = policy(factory, CLIENT_TO_BACKEND, "{'schema': {}, 'binary': 'forward'}");
        assertEquals(Verdict.FORWARD, lenient.onMessage(binary, session));
    }

    @Test
    void describesTheSchemaItChecks() {
        assertEquals(json(ORDER).getJsonObject("schema"), orders.describe().getJsonObject("schema"));
        assertEquals("reject", orders.describe().getString("binary"));
    }

    @Test
    void theSchemaIsRequiredAndAnObject() {
        assertEquals(List.of(error("schema", "is required: a JSON Schema (2020-12) object")), problems(factory, "{}"));
        assertEquals(List.of(error("schema", "must be an object")), problems(factory, "{'schema': 'x'}"));
        assertEquals(List.of(error("format", "unknown field")), problems(factory, "{'schema': {}, 'format': 1}"));
        assertEquals(List.of(error("binary", "must be reject or forward")),
                problems(factory, "{'schema': {}, 'binary': 'no'}"));
    }

    @Test
    void aSchemaTheMetaSchemaRefusesIsAFieldError() {
        assertEquals(List.of(error("schema", "is not a valid JSON Schema: /minimum: string found, number expected")),
                problems(factory, "{'schema': {'minimum': 'x'}}"));
        List<FieldError> errors = problems(factory, "{'schema': {'type': 'text'}}");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).message().startsWith("is not a valid JSON Schema: /type: "), errors.toString());
    }

    @Test
    void onlyDialect2020_12() {
        assertEquals(List.of(error("schema", "$schema must be https://json-schema.org/draft/2020-12/schema (or left out): "
                        + "only 2020-12 is supported")),
                problems(factory, "{'schema': {'$schema': 'http://json-schema.org/draft-07/schema#'}}"));
        assertEquals(List.of(), problems(factory, "{'schema': {'$schema': 'https://json-schema.org/draft/2020-12/schema'}}"));
    }

    @Test
    void referencesMustResolveInsideTheSchema() {
        List<FieldError> missing = problems(factory, "{'schema': {'$ref': '#/$defs/nothing'}}");
        assertEquals(1, missing.size());
        assertTrue(missing.get(0).message().startsWith("cannot be compiled: "), missing.toString());
        for (String ref : List.of("http://127.0.0.1:1/schema.json", "classpath:/META-INF/MANIFEST.MF",
                "file:///etc/passwd")) {
            List<FieldError> errors = problems(factory, "{'schema': {'$ref': '" + ref + "'}}");
            assertEquals(1, errors.size(), ref);
            assertEquals("cannot be compiled: Schema from '" + ref + "' is not allowed to be loaded.",
                    errors.get(0).message());
        }
    }
}
