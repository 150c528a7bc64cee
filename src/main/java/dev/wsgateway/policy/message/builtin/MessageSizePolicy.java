package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.FramePolicy;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Messages larger than {@code maxBytes} (text counted in UTF-8) close the sender with 1009 and the other side
 * with 1001, as soon as the frame that crosses the limit arrives: nothing is buffered, and none of that frame
 * goes on. The per-direction form of the route's {@code maxMessageBytes}, which applies both ways.
 */
public final class MessageSizePolicy implements FramePolicy {
    static final int TOO_BIG = 1009;

    private final Set<Flow> flows;
    private final long maxBytes;
    private final String reason;

    MessageSizePolicy(Set<Flow> flows, long maxBytes) {
        this.flows = Set.copyOf(flows);
        this.maxBytes = maxBytes;
        this.reason = "message larger than " + maxBytes + " bytes";
    }

    @Override
    public Verdict onFrame(Fragment fragment, MessageContext context) {
        return fragment.messageLength() > maxBytes ? Verdict.close(TOO_BIG, reason) : Verdict.FORWARD;
    }

    @Override
    public String type() {
        return MessageSizePolicyFactory.TYPE;
    }

    @Override
    public Set<Flow> flows() {
        return flows;
    }

    @Override
    public JsonObject describe() {
        return JSON.createObjectBuilder().add("maxBytes", maxBytes).build();
    }
}
