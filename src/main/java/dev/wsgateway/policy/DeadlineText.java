package dev.wsgateway.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A text that stops a regular-expression match once its deadline has passed: {@link java.util.regex.Matcher}
 * reads the input only through {@link #charAt}, so a pattern that backtracks without end keeps calling it and
 * meets {@link TimedOut}. The clock is read every {@value #CHECK_EVERY} characters read, not at each one, and
 * the budget starts at the first reading: the reads before it take microseconds, and a short message that needs
 * fewer reads never pays for the clock at all.
 *
 * <p>The clock is the current thread's CPU time where the JVM measures it (it does on Linux), else wall time: a
 * budget of CPU time is not used up by a GC pause or by other threads taking the cores, so a busy gateway does not
 * turn an innocent message into a timeout (wall time did, in the bench on a loaded two-core machine).
 *
 * <p>Used by the {@code denyPattern} message policy and by the trace's redaction patterns.
 */
public final class DeadlineText implements CharSequence {
    public static final int CHECK_EVERY = 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    /** Thrown out of the match when the deadline has passed. */
    public static final class TimedOut extends RuntimeException {
        TimedOut() {
            super("the match took too long", null, false, false);
        }
    }

    private final String text;
    private final Budget budget;

    /** The time all matches of one run may take together, shared by the texts of that run; one thread only. */
    private static final class Budget {
        private final long nanos;
        private long deadlineNanos;
        private boolean started;
        private int reads;

        Budget(long nanos) {
            this.nanos = nanos;
        }

        void read() {
            if (++reads >= CHECK_EVERY) {
                reads = 0;
                if (!started) {
                    started = true;
                    deadlineNanos = now() + nanos;
                } else if (now() - deadlineNanos > 0) {
                    throw new TimedOut();
                }
            }
        }
    }

    /** The clock deadlines are set on and checked against, in nanoseconds. */
    public static long now() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** @param budgetNanos how long all matches against this text may take together, on the {@link #now()} clock */
    public DeadlineText(String text, long budgetNanos) {
        this(text, new Budget(budgetNanos));
    }

    private DeadlineText(String text, Budget budget) {
        this.text = text;
        this.budget = budget;
    }

    /** Another text under what is left of this one's budget (the next pattern's input, after a replacement). */
    public DeadlineText next(String other) {
        return new DeadlineText(other, budget);
    }

    @Override
    public char charAt(int index) {
        budget.read();
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end); // for groups, which the policy never asks for
    }

    @Override
    public String toString() {
        return text;
    }
}
