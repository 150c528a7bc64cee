package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import jakarta.json.Json;
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
public final class InjectPolicy implements WholeMessagePolicy {
    /** What the policy does with JSON that is not an object. */
    enum NonObject { REJECT, FORWARD }

    private final Set<Flow> flows;
    private final Map<String, SessionValue> fields;
    private final String into;
    private final NonObject nonObject;
    private final OnBinary binary;

    InjectPolicy(Set<Flow> flows, Map<String, SessionValue> fields, String into, NonObject nonObject, OnBinary binary) {
        this.flows = Set.copyOf(flows);
        this.fields = new LinkedHashMap<>(fields);
        this.into = into;
        this.nonObject = nonObject;
        this.binary = binary;
    }

    @Override
    public Verdict onMessage(Message message, MessageContext context) {
        if (!message.isText()) {
            return binary.verdict(type());
        }
        JsonNode json;
        try {
            json = JsonText.parse(message.text());
        } catch (JsonText.Invalid e) {
            return Verdict.close(1007, e.getMessage());
        }
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
    public Set<Flow> flows() {
        return flows;
    }

    @Override
    public JsonObject describe() {
        JsonObjectBuilder described = Json.createObjectBuilder();
        fields.forEach((name, value) -> described.add(name, value.spec()));
        JsonObjectBuilder json = Json.createObjectBuilder().add("fields", described);
        if (into != null) {
            json.add("into", into);
        } else {
            json.addNull("into");
        }
        return json.add("nonObject", nonObject.name().toLowerCase(java.util.Locale.ROOT))
                .add(OnBinary.FIELD, binary.label()).build();
    }
}
