package dev.wsgateway.policy.message.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Settings from JSON, policies built without errors, verdict checks. */
final class MessagePolicyTestSupport {
    static final Set<Flow> CLIENT_TO_BACKEND = EnumSet.of(Flow.CLIENT_TO_BACKEND);
    static final Set<Flow> BOTH = EnumSet.allOf(Flow.class);

    private MessagePolicyTestSupport() {
    }

    /** {@code 'single'} quotes become double quotes. */
    static JsonObject json(String singleQuoted) {
        try (var reader = Json.createReader(new StringReader(singleQuoted.replace('\'', '"')))) {
            return reader.readObject();
        }
    }

    static List<FieldError> problems(MessagePolicyFactory factory, String settings) {
        List<FieldError> errors = new ArrayList<>();
        factory.create(CLIENT_TO_BACKEND, new JsonFields(json(settings), "messagePolicies[0].", errors));
        return errors;
    }

    static FieldError error(String field, String message) {
        return new FieldError("messagePolicies[0]." + field, message);
    }

    @SuppressWarnings("unchecked")
    static <P extends MessagePolicy> P policy(MessagePolicyFactory factory, Set<Flow> flows, String settings) {
        List<FieldError> errors = new ArrayList<>();
        MessagePolicy policy = factory.create(flows, new JsonFields(json(settings), "messagePolicies[0].", errors));
        assertEquals(List.of(), errors);
        return (P) policy;
    }

    static Verdict.Close assertClose(int code, String reason, Verdict verdict) {
        Verdict.Close close = assertInstanceOf(Verdict.Close.class, verdict);
        assertEquals(code, close.code(), () -> "code of " + close);
        assertEquals(reason, close.reason());
        assertFitsCloseFrame(close.reason());
        return close;
    }

    static void assertFitsCloseFrame(String reason) {
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, () -> "reason too long: " + reason);
    }
}
