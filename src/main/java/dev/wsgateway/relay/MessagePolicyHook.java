package dev.wsgateway.relay;

import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.FramePolicy;
import dev.wsgateway.policy.message.Fragment;
import dev.wsgateway.policy.message.Message;
import dev.wsgateway.policy.message.MessageChain;
import dev.wsgateway.policy.message.MessageChain.Outcome;
import dev.wsgateway.policy.message.MessageChain.Step;
import dev.wsgateway.policy.message.MessageContext;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.Verdict;
import dev.wsgateway.policy.message.WholeMessagePolicy;
import dev.wsgateway.relay.CloseCodes.Close;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One direction's message policies at work, in its {@link MessageHook} slot. Frame policies see each frame as it
 * streams. Only when the flow has a whole-message policy are a message's frames kept back (counted against the
 * direction's budget) and joined, up to the route's {@code maxBufferedMessageBytes} (over it: 1009 to the sender,
 * 1001 to the peer); the whole-message policies then run in order, and the result goes on as one frame.
 *
 * <p>Verdicts: forward; drop (the whole message, silently; decided on a later frame of a message already partly
 * forwarded it cannot be taken back, so the pair is closed with 1008 instead); replace (whole messages only);
 * close (the policy's code and reason to the sender at once, 1001 to the other side after what went on before).
 * A policy that throws, or answers what its phase cannot, closes both sides with 1011. Each policy's verdict is
 * counted once per message.
 *
 * <p>Called on the source's reading thread, one frame at a time: no state here is shared.
 */
final class MessagePolicyHook implements MessageHook {
    private static final Logger LOG = Logger.getLogger(MessagePolicyHook.class.getName());
    static final Close TOO_BIG_TO_BUFFER = new Close(CloseCodes.TOO_BIG, "message too big");
    static final Close PEER_TOO_BIG = new Close(CloseCodes.GOING_AWAY, "peer sent a message that was too big");
    static final Close PEER_CLOSED_BY_POLICY = new Close(CloseCodes.GOING_AWAY, "peer closed by a message policy");
    static final Close DROPPED_MID_MESSAGE = new Close(CloseCodes.POLICY_VIOLATION,
            "message refused by a policy after part of it was forwarded");
    static final Close POLICY_FAILED = new Close(CloseCodes.INTERNAL_ERROR, "message policy failed");

    /** How the hook ends the pair: its close to the side that sent the message, and to the other side. */
    @FunctionalInterface
    interface Closer {
        void close(Close toSender, Close toOther, String cause);
    }

    private final MessageChain chain;
    private final Flow flow;
    private final MessageContext context;
    private final long maxBufferedBytes;
    private final Closer closer;

    // the message under way
    private boolean inMessage;
    private long messageLength;
    /** The rest of a dropped message is skipped. */
    private boolean skipping;
    /** A part of the message went on already (streaming only). */
    private boolean partForwarded;
    /** The hook closed the pair: nothing more is taken. */
    private boolean ended;
    // the message being assembled
    private StringBuilder text;
    private byte[] binary;
    private int binaryLength;
    private long held;

    MessagePolicyHook(MessageChain chain, MessageContext context, long maxBufferedBytes, Closer closer) {
        this.chain = chain;
        this.flow = chain.flow();
        this.context = context;
        this.maxBufferedBytes = maxBufferedBytes;
        this.closer = closer;
    }

    @Override
    public Frame onFrame(Frame frame, Holds holds) {
        boolean first = !inMessage;
        inMessage = !frame.last();
        if (first) {
            messageLength = 0;
            skipping = false;
            partForwarded = false;
        }
        messageLength += frame.length();
        if (ended || skipping || !framePhase(frame, first, holds)) {
            return null;
        }
        if (!chain.assembles()) {
            partForwarded = true;
            return frame;
        }
        return assemble(frame, holds);
    }

    /** The frame policies on one frame; false when the frame does not go on. */
    private boolean framePhase(Frame frame, boolean first, Holds holds) {
        List<Step<FramePolicy>> steps = chain.framePolicies();
        if (steps.isEmpty()) {
            return true;
        }
        Fragment fragment = new Fragment(flow, frame.text(),
                frame.data() == null ? null : frame.data().asReadOnlyBuffer(), first, frame.last(), frame.length(),
                messageLength);
        for (int i = 0; i < steps.size(); i++) {
            Step<FramePolicy> step = steps.get(i);
            Verdict verdict;
            try {
                verdict = step.policy().onFrame(fragment, context);
            } catch (RuntimeException e) {
                forwardedBy(steps, i);
                failed(step, e, holds);
                return false;
            }
            if (verdict instanceof Verdict.Forward) {
                continue;
            }
            forwardedBy(steps, i); // the message's fate is decided here: the earlier policies let it through
            if (verdict instanceof Verdict.Drop) {
                step.count(Outcome.DROP);
                if (partForwarded) {
                    end(DROPPED_MID_MESSAGE, PEER_CLOSED_BY_POLICY, "policy", holds);
                } else {
                    dropMessage(holds);
                    skipping = !frame.last();
                }
            } else if (verdict instanceof Verdict.Close close) {
                closed(step, close, holds);
            } else {
                failed(step, new IllegalStateException("a frame policy answered " + verdict), holds);
            }
            return false;
        }
        if (frame.last()) {
            forwardedBy(steps, steps.size());
        }
        return true;
    }

    /** Counts a forward for each of the first {@code n} policies (once per message). */
    private static <P extends MessagePolicy> void forwardedBy(List<Step<P>> steps, int n) {
        for (int i = 0; i < n; i++) {
            steps.get(i).count(Outcome.FORWARD);
        }
    }

    /** Keeps the frame back; on the message's last frame runs the whole-message policies and returns the result. */
    private Frame assemble(Frame frame, Holds holds) {
        if (held + frame.length() > maxBufferedBytes) {
            end(TOO_BIG_TO_BUFFER, PEER_TOO_BIG, "message_too_big", holds);
            return null;
        }
        if (frame.kind() == Frame.Kind.TEXT) {
            if (text == null) {
                text = new StringBuilder(frame.text().length());
            }
            text.append(frame.text());
        } else {
            append(frame.data());
        }
        held += frame.length();
        holds.hold(frame.length());
        if (!frame.last()) {
            return null;
        }
        Message message = frame.kind() == Frame.Kind.TEXT ? new Message(flow, text.toString(), null, held)
                : new Message(flow, null, ByteBuffer.wrap(binary, 0, binaryLength).asReadOnlyBuffer(), held);
        ByteBuffer assembledBinary = frame.kind() == Frame.Kind.TEXT ? null : ByteBuffer.wrap(binary, 0, binaryLength);
        text = null;
        binary = null;
        binaryLength = 0;
        for (Step<WholeMessagePolicy> step : chain.wholeMessagePolicies()) {
            Verdict verdict;
            try {
                verdict = step.policy().onMessage(message, context);
            } catch (RuntimeException e) {
                failed(step, e, holds);
                return null;
            }
            if (verdict instanceof Verdict.Forward) {
                step.count(Outcome.FORWARD);
            } else if (verdict instanceof Verdict.Replace replace && replace.message() != null
                    && (replace.message().text() != null || replace.message().data() != null)) {
                step.count(Outcome.REPLACE);
                message = replace.message();
                assembledBinary = null;
            } else if (verdict instanceof Verdict.Drop) {
                step.count(Outcome.DROP);
                dropMessage(holds);
                return null;
            } else if (verdict instanceof Verdict.Close close) {
                closed(step, close, holds);
                return null;
            } else {
                failed(step, new IllegalStateException("a whole-message policy answered " + verdict), holds);
                return null;
            }
        }
        holds.assembled(held);
        held = 0;
        if (message.isText()) {
            return Frame.text(message.text(), true);
        }
        return Frame.binary(assembledBinary != null ? assembledBinary : writable(message.data()), true);
    }

    private void append(ByteBuffer part) {
        int n = part.remaining();
        if (binary == null) {
            binary = new byte[Math.max(n, 256)];
        } else if (binaryLength + n > binary.length) {
            binary = Arrays.copyOf(binary, (int) Math.min(maxBufferedBytes, Math.max(binaryLength + n,
                    (long) binary.length * 2)));
        }
        part.duplicate().get(binary, binaryLength, n);
        binaryLength += n;
    }

    /** A replacement's buffer as the containers can send it: writable (Open Liberty cannot write a read-only one). */
    private static ByteBuffer writable(ByteBuffer data) {
        if (!data.isReadOnly()) {
            return data.duplicate();
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return copy;
    }

    private void closed(Step<?> step, Verdict.Close close, Holds holds) {
        if (!CloseCodes.sendable(close.code())) {
            failed(step, new IllegalStateException("close code " + close.code() + " cannot be sent"), holds);
            return;
        }
        step.count(Outcome.CLOSE);
        end(new Close(close.code(), close.reason()), PEER_CLOSED_BY_POLICY, "policy", holds);
    }

    private void failed(Step<?> step, RuntimeException e, Holds holds) {
        LOG.log(Level.WARNING, e, () -> "session " + context.sessionId() + ": message policy " + step.policy().type()
                + " failed on " + flow.label() + "; closing the session");
        step.count(Outcome.ERROR);
        end(POLICY_FAILED, POLICY_FAILED, "policy_error", holds);
    }

    private void end(Close toSender, Close toOther, String cause, Holds holds) {
        dropMessage(holds);
        ended = true;
        closer.close(toSender, toOther, cause);
    }

    private void dropMessage(Holds holds) {
        if (held > 0) {
            holds.drop(held);
            held = 0;
        }
        text = null;
        binary = null;
        binaryLength = 0;
    }
}
