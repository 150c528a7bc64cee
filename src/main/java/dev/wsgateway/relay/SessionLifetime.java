package dev.wsgateway.relay;

import dev.wsgateway.relay.CloseCodes.Close;
import java.util.random.RandomGenerator;

/**
 * The maximum age of a session, with jitter: a route's {@code maxSessionSeconds} closes each of its sessions
 * with 1001 at a random moment in the last {@code jitterPercent} of that age, so sessions opened together (after
 * a deploy or a scale-out) do not all reconnect together, and long-lived clients move to new instances.
 */
public final class SessionLifetime {
    public static final Close MAX_AGE = new Close(CloseCodes.GOING_AWAY, "session reached its maximum age");
    /** The cause in {@link RelaySession.Ending}, metrics and the access log. */
    public static final String CAUSE = "max_age";
    public static final int MAX_JITTER_PERCENT = 50;
    /** Without configuration: up to a tenth earlier than the route's maximum. */
    public static final int DEFAULT_JITTER_PERCENT = 10;

    private final int jitterPercent;
    private final RandomGenerator random;

    public SessionLifetime(int jitterPercent, RandomGenerator random) {
        if (jitterPercent < 0 || jitterPercent > MAX_JITTER_PERCENT) {
            throw new IllegalArgumentException("the session age jitter must be 0-" + MAX_JITTER_PERCENT
                    + " percent, not " + jitterPercent);
        }
        this.jitterPercent = jitterPercent;
        this.random = random;
    }

    /**
     * Milliseconds from the session's opening to its close, for a maximum of {@code maxSessionSeconds}: in
     * {@code (max * (1 - jitter), max]}; -1 when the maximum is 0 (unlimited).
     */
    public long closeAfterMillis(int maxSessionSeconds) {
        if (maxSessionSeconds <= 0) {
            return -1;
        }
        long max = maxSessionSeconds * 1000L;
        long jitter = max * jitterPercent / 100;
        return jitter == 0 ? max : max - random.nextLong(jitter);
    }

    public int jitterPercent() {
        return jitterPercent;
    }
}
