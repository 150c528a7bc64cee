package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts values from the session into each JSON object message, so that a backend can trust who sent what: every
 * configured field is first removed from the client's message, at any count (a forged copy never survives), then
 * set from the session ({@link SessionValue}). With {@code into}, the fields go into one object under that name,
 * and the client's member of that name is removed whole first. The message is re-serialized (compact).
 *
 * <p>Text that is not JSON: 1007. JSON that is not an object (an array, a string): 1008 with {@code nonObject}
 * {@code reject} (the default), passed on unchanged with {@code forward}. Binary messages: {@link OnBinary}.
 */
public final class InjectPolicy extends JsonMessagePolicy {
    /** What the policy does with JSON that is not an object. */
    enum NonObject { REJECT, FORWARD }

    private final Map<String, SessionValue> fields;
    private final String into;
    private final NonObject nonObject;

    InjectPolicy(Set<Flow> flows, Map<String, SessionValue> fields, String into, NonObject nonObject, OnBinary binary) {
        super(flows, binary);
        this.fields = new LinkedHashMap<>(fields);
        this.into = into;
        this.nonObject = nonObject;
    }

    @Override
    Verdict onJson(JsonNode json, Message message, MessageContext context) {
        if (!(json instanceof ObjectNode object)) {
            return nonObject == NonObject.FORWARD ? Verdict.FORWARD
                    : Verdict.close(1008, "inject: a message must be a JSON object");
        }
        ObjectNode target = object;
        if (into != null) {
            object.remove(into);
            target = object.putObject(into);
        } else {
            object.remove(fields.keySet());
        }
        for (Map.Entry<String, SessionValue> field : fields.entrySet()) {
            target.set(field.getKey(), JsonText.MAPPER.valueToTree(field.getValue().read(context)));
        }
        return Verdict.replace(message.withText(JsonText.MAPPER.writeValueAsString(object)));
    }

    @Override
    public String type() {
        return "inject";
    }

    @Override
    public JsonObject describe() {
        JsonObjectBuilder described = JSON.createObjectBuilder();
        fields.forEach((name, value) -> described.add(name, value.spec()));
        JsonObjectBuilder json = JSON.createObjectBuilder().add("fields", described);
        if (into != null) {
            json.add("into", into);
        } else {
            json.addNull("into");
        }
        return json.add("nonObject", Choices.label(nonObject))
                .add(OnBinary.FIELD, binary.label()).build();
    }
}
