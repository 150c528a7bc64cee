package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.relay.CloseCodes;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Text messages must be JSON (else 1007, as {@link JsonPolicy}) that the route's JSON Schema (2020-12) accepts;
 * a violation closes the sender with 1008 and the first violation's instance location (a JSON pointer, empty for
 * the whole message, shown as {@code (root)}) and message as the reason, cut to 123 bytes of UTF-8. The schema is
 * compiled once, by the factory; validation stops at the first violation. Binary messages: {@link OnBinary}.
 */
public final class JsonSchemaPolicy extends JsonMessagePolicy {
    private final Schema schema;
    private final JsonObject source;

    JsonSchemaPolicy(Set<Flow> flows, Schema schema, JsonObject source, OnBinary binary) {
        super(flows, binary);
        this.schema = schema;
        this.source = source;
    }

    @Override
    Verdict onJson(JsonNode json, Message message, MessageContext context) {
        List<Error> errors = schema.validate(json);
        return errors.isEmpty() ? Verdict.FORWARD : Verdict.close(1008, reason(errors.get(0)));
    }

    /** {@code /items/0/name: integer found, string expected}, at most 123 bytes. */
    static String reason(Error error) {
        String pointer = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        return CloseCodes.truncate((pointer.isEmpty() ? "(root)" : pointer) + ": " + error.getMessage());
    }

    @Override
    public String type() {
        return "jsonSchema";
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder().add("schema", source).add(OnBinary.FIELD, binary.label()).build();
    }
}
