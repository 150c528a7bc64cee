package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** {@code {"type": "json", "direction": "both", "binary": "reject"}}: see {@link JsonPolicy}. */
@ApplicationScoped
public class JsonPolicyFactory implements MessagePolicyFactory {
    private static final Set<String> FIELDS = Set.of(OnBinary.FIELD);

    @Override
    public String type() {
        return "json";
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        return new JsonPolicy(flows, OnBinary.read(settings));
    }
}
