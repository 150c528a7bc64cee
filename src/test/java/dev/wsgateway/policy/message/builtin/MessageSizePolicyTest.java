package dev.wsgateway.policy.message.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The {@code messageSize} built-in: its settings, and its verdict on the frame that crosses the limit. */
class MessageSizePolicyTest {
    private static final Set<Flow> TO_BACKEND = Set.of(Flow.CLIENT_TO_BACKEND);
    private static final MessageContext CONTEXT = new MessageContext() {
        @Override
        public String routeId() {
            return "r";
        }

        @Override
        public String sessionId() {
            return "s";
        }

        @Override
        public String clientAddress() {
            return "192.0.2.1";
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of();
        }

        @Override
        public Credentials credentials() {
            return Credentials.ANONYMOUS;
        }

        @Override
        public <T> T state(Object owner, Supplier<T> initial) {
            return initial.get();
        }
    };

    private final List<FieldError> errors = new ArrayList<>();

    private MessagePolicy create(String settings) {
        JsonObject json = Json.createReader(new StringReader(settings)).readObject();
        return new MessageSizePolicyFactory().create(TO_BACKEND, new JsonFields(json, "messagePolicies[0].", errors));
    }

    private static Fragment frame(long length, long messageLength, boolean last) {
        return new Fragment(Flow.CLIENT_TO_BACKEND, null, java.nio.ByteBuffer.allocate((int) length), messageLength == length,
                last, length, messageLength);
    }

    @Test
    void forwardsMessagesUpToTheLimitFrameByFrame() {
        MessageSizePolicy policy = (MessageSizePolicy) create("{\"maxBytes\":100}");
        assertEquals(List.of(), errors);
        assertEquals(Verdict.FORWARD, policy.onFrame(frame(60, 60, false), CONTEXT));
        assertEquals(Verdict.FORWARD, policy.onFrame(frame(40, 100, true), CONTEXT));
    }

    @Test
    void closesWith1009OnTheFrameThatCrossesTheLimit() {
        MessageSizePolicy policy = (MessageSizePolicy) create("{\"maxBytes\":100}");
        assertEquals(Verdict.FORWARD, policy.onFrame(frame(60, 60, false), CONTEXT));
        assertEquals(Verdict.close(1009, "message larger than 100 bytes"), policy.onFrame(frame(41, 101, false), CONTEXT));
    }

    @Test
    void describesItsLimitAndKeepsItsFlows() {
        MessagePolicy policy = create("{\"maxBytes\":4096}");
        assertEquals("{\"maxBytes\":4096}", policy.describe().toString());
        assertEquals("messageSize", policy.type());
        assertEquals(TO_BACKEND, policy.flows());
    }

    @Test
    void requiresAPositiveMaxBytesAndNothingElse() {
        create("{}");
        create("{\"maxBytes\":0}");
        create("{\"maxBytes\":\"big\",\"max\":1}");
        assertEquals(List.of("messagePolicies[0].maxBytes", "messagePolicies[0].maxBytes", "messagePolicies[0].max",
                "messagePolicies[0].maxBytes"), errors.stream().map(FieldError::field).toList(), errors.toString());
        assertTrue(errors.get(0).message().contains("required"), errors.get(0).message());
    }
}
