package dev.wsgateway.policy.message.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.DeadlineText;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Text messages in which one of the patterns is found ({@link java.util.regex.Matcher#find}) are denied: dropped,
 * or the sender closed with 1008 and a reason that names the pattern by its index, never the text. Binary
 * messages are not searched and pass.
 *
 * <p>All patterns together get {@code timeoutMillis} of the relay thread's CPU time per message
 * ({@link DeadlineText}); a search still running
 * then is stopped and counts as a match of that pattern (fail closed: a message that cannot be checked in time is
 * not let through), with a reason that says it timed out.
 */
public final class DenyPatternPolicy implements WholeMessagePolicy {
    /** What a denied message gets. */
    enum Action { CLOSE, DROP }

    private final Set<Flow> flows;
    private final List<Pattern> patterns;
    private final Action action;
    private final long timeoutNanos;
    private final long timeoutMillis;

    DenyPatternPolicy(Set<Flow> flows, List<Pattern> patterns, Action action, long timeoutMillis) {
        this.flows = Set.copyOf(flows);
        this.patterns = List.copyOf(patterns);
        this.action = action;
        this.timeoutMillis = timeoutMillis;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    @Override
    public Verdict onMessage(Message message, MessageContext context) {
        if (!message.isText()) {
            return Verdict.FORWARD;
        }
        DeadlineText text = new DeadlineText(message.text(), timeoutNanos);
        for (int i = 0; i < patterns.size(); i++) {
            try {
                if (patterns.get(i).matcher(text).find()) {
                    return deny("message matches denied pattern " + i);
                }
            } catch (DeadlineText.TimedOut e) {
                return deny("denied pattern " + i + " timed out (counted as a match)");
            } catch (StackOverflowError e) {
                return deny("denied pattern " + i + " overflowed the stack (counted as a match)");
            }
        }
        return Verdict.FORWARD;
    }

    private Verdict deny(String reason) {
        return action == Action.DROP ? Verdict.drop(reason) : Verdict.close(1008, reason);
    }

    @Override
    public String type() {
        return "denyPattern";
    }

    @Override
    public Set<Flow> flows() {
        return flows;
    }

    @Override
    public JsonObject describe() {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        patterns.forEach(p -> list.add(p.pattern()));
        return JSON.createObjectBuilder().add("patterns", list)
                .add("action", Choices.label(action))
                .add("timeoutMillis", timeoutMillis).build();
    }
}
