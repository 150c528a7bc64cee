package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.policy.message.builtin.InjectPolicy.NonObject;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"type": "inject", "direction": "clientToBackend", "fields": {"user": "principal", "tenant":
 * "claim:tenant", "route": "routeId"}, "into": "_gateway", "nonObject": "reject", "binary": "reject"}}: see
 * {@link InjectPolicy}. {@code fields} is required, at least one, each value one of {@link SessionValue#NAMES};
 * {@code into} is optional (a member name); {@code nonObject} is {@code reject} (default) or {@code forward}.
 * Meant for {@code clientToBackend}; any direction is accepted.
 */
@ApplicationScoped
public class InjectPolicyFactory implements MessagePolicyFactory {
    private static final Set<String> FIELDS = Set.of("fields", "into", "nonObject", OnBinary.FIELD);

    @Override
    public String type() {
        return "inject";
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        OnBinary binary = OnBinary.read(settings);
        String into = settings.has("into") ? settings.string("into", true) : null;
        NonObject nonObject = Choices.read(settings, "nonObject", NonObject.REJECT);
        Map<String, SessionValue> fields = new LinkedHashMap<>();
        if (!settings.has("fields")) {
            settings.error("fields", "is required: {\"fieldName\": \"principal\", ...}");
        }
        JsonObject named = settings.object("fields");
        if (named != null) {
            if (named.isEmpty()) {
                settings.error("fields", "must name at least one field");
            }
            for (Map.Entry<String, JsonValue> entry : named.entrySet()) {
                String field = "fields." + entry.getKey();
                if (entry.getKey().isBlank()) {
                    settings.error(field, "a field name must not be blank");
                    continue;
                }
                SessionValue value = entry.getValue() instanceof JsonString s ? SessionValue.parse(s.getString()) : null;
                if (value == null) {
                    settings.error(field, "must be one of " + SessionValue.NAMES);
                } else {
                    fields.put(entry.getKey(), value);
                }
            }
        }
        return new InjectPolicy(flows, fields, into, nonObject, binary);
    }
}
