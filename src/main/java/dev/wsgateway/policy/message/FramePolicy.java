package dev.wsgateway.policy.message;

/**
 * A message policy that decides frame by frame while the message streams through (sizes, rates): it never makes
 * the direction buffer. {@link Verdict.Replace} is not a frame verdict; {@link Verdict.Drop} on a frame after the
 * message's first means the rest of a message already partly forwarded, which the direction turns into a close.
 */
public non-sealed interface FramePolicy extends MessagePolicy {
    Verdict onFrame(Fragment fragment, MessageContext context);
}
