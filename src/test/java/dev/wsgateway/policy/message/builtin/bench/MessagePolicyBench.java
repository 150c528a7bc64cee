package dev.wsgateway.policy.message.builtin.bench;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.FramePolicy;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import dev.wsgateway.policy.message.builtin.DenyPatternPolicyFactory;
import dev.wsgateway.policy.message.builtin.InjectPolicyFactory;
import dev.wsgateway.policy.message.builtin.JsonPolicyFactory;
import dev.wsgateway.policy.message.builtin.JsonSchemaPolicyFactory;
import dev.wsgateway.policy.message.builtin.MessageRatePolicyFactory;
import dev.wsgateway.policy.message.builtin.TestMessageContext;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cost of each built-in message policy per message, next to a policy that forwards and does nothing, in one
 * JVM: every case warmed up first, then rounds of timed loops per case; the median round is printed. Not a JMH benchmark: for the order
 * of magnitude docs/policies.md gives. Run by scripts/message-policy-bench.sh.
 */
public final class MessagePolicyBench {
    private static final Flow FLOW = Flow.CLIENT_TO_BACKEND;
    private static final int ROUNDS = 7;
    private static volatile int sink;

    private MessagePolicyBench() {
    }

    public static void main(String[] args) {
        long iterations = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        String small = "{\"type\":\"chat\",\"room\":\"general\",\"text\":\"hello everyone, the build is green again\","
                + "\"id\":1234,\"items\":[{\"name\":\"tea\"},{\"name\":\"cake\"}]}";
        StringBuilder large = new StringBuilder("{\"type\":\"chat\",\"room\":\"general\",\"id\":1234,\"items\":[");
        while (large.length() < 4000) {
            large.append("{\"name\":\"item ").append(large.length() % 97).append("\"},");
        }
        large.setLength(large.length() - 1);
        large.append("],\"text\":\"end\"}");
        String schema = "{\"schema\":{\"type\":\"object\",\"required\":[\"type\",\"id\"],\"properties\":{"
                + "\"type\":{\"enum\":[\"chat\",\"join\"]},\"room\":{\"type\":\"string\",\"maxLength\":64},"
                + "\"text\":{\"type\":\"string\",\"maxLength\":4096},\"id\":{\"type\":\"integer\",\"minimum\":1},"
                + "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}}}}}";

        MessagePolicy noop = new WholeMessagePolicy() {
            @Override
            public Verdict onMessage(Message message, MessageContext context) {
                return Verdict.FORWARD;
            }

            @Override
            public String type() {
                return "noop";
            }

            @Override
            public java.util.Set<Flow> flows() {
                return EnumSet.of(FLOW);
            }

            @Override
            public JsonObject describe() {
                return JsonObject.EMPTY_JSON_OBJECT;
            }
        };
        GatewayDefaults none = key -> Optional.empty();
        List<Object[]> cases = List.of(
                new Object[] {"no-op forward", noop},
                new Object[] {"messageRate per session", build(new MessageRatePolicyFactory(none),
                        "{\"messagesPerSecond\":1000000000,\"bytesPerSecond\":1000000000}")},
                new Object[] {"messageRate per identity", build(new MessageRatePolicyFactory(none),
                        "{\"messagesPerSecond\":1000000000,\"bytesPerSecond\":1000000000,\"per\":\"identity\"}")},
                new Object[] {"json", build(new JsonPolicyFactory(), "{}")},
                new Object[] {"jsonSchema", build(new JsonSchemaPolicyFactory(), schema)},
                new Object[] {"inject (3 fields)", build(new InjectPolicyFactory(),
                        "{\"fields\":{\"user\":\"principal\",\"tenant\":\"claim:tenant\",\"route\":\"routeId\"}}")},
                new Object[] {"denyPattern (2 patterns)", build(new DenyPatternPolicyFactory(),
                        "{\"patterns\":[\"(?i)drop\\\\s+table\",\"<script\"]}")});

        TestMessageContext session = TestMessageContext.user("s1", "alice", Map.of("tenant", "acme"));
        for (int warm = 0; warm < 3; warm++) { // every case compiled before any is timed
            for (Object[] c : cases) {
                measure((MessagePolicy) c[1], small, session, iterations / 4);
                measure((MessagePolicy) c[1], large.toString(), session, iterations / 40);
            }
        }
        System.out.printf("%-26s %12s %12s %12s %12s%n", "policy", "ns/msg " + bytes(small) + " B", "+ vs no-op",
                "ns/msg " + bytes(large.toString()) + " B", "+ vs no-op");
        double baseSmall = 0;
        double baseLarge = 0;
        for (Object[] c : cases) {
            MessagePolicy policy = (MessagePolicy) c[1];
            double nsSmall = measure(policy, small, session, iterations);
            double nsLarge = measure(policy, large.toString(), session, iterations / 10);
            if (policy == noop) {
                baseSmall = nsSmall;
                baseLarge = nsLarge;
            }
            System.out.printf("%-26s %12.0f %12.0f %12.0f %12.0f%n", c[0], nsSmall, nsSmall - baseSmall, nsLarge,
                    nsLarge - baseLarge);
        }
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The median of {@link #ROUNDS} timed loops after one untimed one, in ns per message. */
    private static double measure(MessagePolicy policy, String text, TestMessageContext session, long iterations) {
        Message message = Message.text(FLOW, text);
        long length = message.length();
        Fragment fragment = new Fragment(FLOW, text, null, true, true, length, length);
        run(policy, message, fragment, session, iterations); // warm-up
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            run(policy, message, fragment, session, iterations);
            rounds[r] = (System.nanoTime() - start) / (double) iterations;
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    private static void run(MessagePolicy policy, Message message, Fragment fragment, TestMessageContext session, long n) {
        int acc = 0;
        for (long i = 0; i < n; i++) {
            Verdict verdict = policy instanceof FramePolicy frames ? frames.onFrame(fragment, session)
                    : ((WholeMessagePolicy) policy).onMessage(message, session);
            if (verdict != Verdict.FORWARD && !(verdict instanceof Verdict.Replace)) {
                throw new IllegalStateException(policy.type() + " did not pass the message: " + verdict);
            }
            acc += verdict.hashCode();
        }
        sink += acc;
    }

    private static MessagePolicy build(MessagePolicyFactory factory, String settings) {
        List<FieldError> errors = new ArrayList<>();
        JsonObject json = Json.createReader(new StringReader(settings)).readObject();
        MessagePolicy policy = factory.create(EnumSet.of(FLOW), new JsonFields(json, "", errors));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.toString());
        }
        return policy;
    }
}
