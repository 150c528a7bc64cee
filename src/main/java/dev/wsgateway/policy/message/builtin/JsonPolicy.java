package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Text messages must be one well-formed JSON value; otherwise the sender is closed with 1007 (inconsistent data)
 * and the reason says where the parser stopped, never what it read. Binary messages: {@link OnBinary}.
 */
public final class JsonPolicy implements WholeMessagePolicy {
    private final Set<Flow> flows;
    private final OnBinary binary;

    JsonPolicy(Set<Flow> flows, OnBinary binary) {
        this.flows = Set.copyOf(flows);
        this.binary = binary;
    }

    @Override
    public Verdict onMessage(Message message, MessageContext context) {
        if (!message.isText()) {
            return binary.verdict(type());
        }
        String problem = JsonText.problem(message.text());
        return problem == null ? Verdict.FORWARD : Verdict.close(1007, problem);
    }

    @Override
    public String type() {
        return "json";
    }

    @Override
    public Set<Flow> flows() {
        return flows;
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder().add(OnBinary.FIELD, binary.label()).build();
    }
}
