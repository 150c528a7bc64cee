package dev.wsgateway.policy.message.builtin;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A policy over the parsed JSON of text messages: binary messages get {@link OnBinary}'s verdict, text that is
 * not JSON closes the sender with 1007, the rest is the subclass's to decide.
 */
abstract class JsonMessagePolicy implements WholeMessagePolicy {
    private final Set<Flow> flows;
    final OnBinary binary;

    JsonMessagePolicy(Set<Flow> flows, OnBinary binary) {
        this.flows = Set.copyOf(flows);
        this.binary = binary;
    }

    @Override
    public final Verdict onMessage(Message message, MessageContext context) {
        if (!message.isText()) {
            return binary.verdict(type());
        }
        JsonNode json;
        try {
            json = JsonText.parse(message.text());
        } catch (JsonText.Invalid e) {
            return Verdict.close(1007, e.getMessage());
        }
        return onJson(json, message, context);
    }

    /** The verdict on a text message that holds {@code json}. */
    abstract Verdict onJson(JsonNode json, Message message, MessageContext context);

    @Override
    public final Set<Flow> flows() {
        return flows;
    }
}
