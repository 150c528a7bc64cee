package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import dev.wsgateway.policy.message.builtin.TestMessageContext;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside the server: the built-in message policy factories are CDI beans the catalog can find, and the libraries
 * the WAR bundles for them (the JSON Schema validator and its Jackson 3) load and work beside the server's own
 * modules. The relay that runs the policies is tested end to end elsewhere.
 */
@ExtendWith(ArquillianExtension.class)
class MessageLibrariesIT {
    @Deployment
    static WebArchive deployment() {
        return Deployments.gatewayWar().addClasses(MessageLibrariesIT.class, TestMessageContext.class);
    }

    private static final TestMessageContext ALICE = TestMessageContext.user("s1", "alice", Map.of());

    @Inject
    @Any
    Instance<MessagePolicyFactory> factories;

    @Test
    void theBuiltInFactoriesAreBeans() {
        Set<String> types = new TreeSet<>();
        factories.forEach(f -> types.add(f.type()));
        assertEquals(true, types.containsAll(Set.of("messageRate", "json", "jsonSchema", "inject", "denyPattern")),
                types.toString());
    }

    @Test
    void aSchemaViolationIsFoundWithTheBundledValidator() {
        WholeMessagePolicy schema = build("jsonSchema",
                "{\"schema\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}}");
        Verdict.Close close = assertInstanceOf(Verdict.Close.class,
                schema.onMessage(Message.text(Flow.CLIENT_TO_BACKEND, "{\"n\": \"x\"}"), ALICE));
        assertEquals(1008, close.code());
        assertEquals("/n: string found, integer expected", close.reason());
    }

    @Test
    void aMessageIsRewrittenWithTheBundledJackson() {
        WholeMessagePolicy inject = build("inject", "{\"fields\": {\"user\": \"principal\"}}");
        Verdict.Replace replace = assertInstanceOf(Verdict.Replace.class,
                inject.onMessage(Message.text(Flow.CLIENT_TO_BACKEND, "{\"user\": \"mallory\", \"a\": 1}"), ALICE));
        assertEquals("{\"a\":1,\"user\":\"alice\"}", replace.message().text());
    }

    private WholeMessagePolicy build(String type, String settings) {
        MessagePolicyFactory factory = null;
        for (MessagePolicyFactory f : factories) {
            if (f.type().equals(type)) {
                factory = f;
            }
        }
        List<FieldError> errors = new ArrayList<>();
        JsonObject json = Json.createReader(new StringReader(settings)).readObject();
        WholeMessagePolicy policy = (WholeMessagePolicy) factory.create(EnumSet.of(Flow.CLIENT_TO_BACKEND),
                new JsonFields(json, "", errors));
        assertEquals(List.of(), errors);
        return policy;
    }
}
