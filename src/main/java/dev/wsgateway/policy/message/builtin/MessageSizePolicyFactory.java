package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.RouteDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** {@code {"type": "messageSize", "direction": "clientToBackend", "maxBytes": 65536}}: see {@link MessageSizePolicy}. */
@ApplicationScoped
public class MessageSizePolicyFactory implements MessagePolicyFactory {
    static final String TYPE = "messageSize";
    private static final Set<String> FIELDS = Set.of("maxBytes");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        Long maxBytes = settings.longValue("maxBytes", 1, RouteDefinition.MAX_MESSAGE_BYTES);
        if (maxBytes == null && !settings.has("maxBytes")) {
            settings.error("maxBytes", "is required");
        }
        return new MessageSizePolicy(flows, maxBytes == null ? RouteDefinition.MAX_MESSAGE_BYTES : maxBytes);
    }
}
