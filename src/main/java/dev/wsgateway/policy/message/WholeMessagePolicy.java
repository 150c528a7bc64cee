package dev.wsgateway.policy.message;

/**
 * A message policy that needs the whole message (JSON, schema, transform, patterns): a direction that runs one
 * assembles each message before it decides, up to the route's {@code maxBufferedMessageBytes} (over it the
 * sender is closed with 1009).
 */
public non-sealed interface WholeMessagePolicy extends MessagePolicy {
    Verdict onMessage(Message message, MessageContext context);
}
