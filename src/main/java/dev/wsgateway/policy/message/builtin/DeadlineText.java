package dev.wsgateway.policy.message.builtin;

/**
 * A text that stops a regular-expression match once its deadline has passed: {@link java.util.regex.Matcher}
 * reads the input only through {@link #charAt}, so a pattern that backtracks without end keeps calling it and
 * meets {@link TimedOut}. The clock is read every {@value #CHECK_EVERY} characters read, not at each one.
 */
final class DeadlineText implements CharSequence {
    static final int CHECK_EVERY = 1024;

    /** Thrown out of the match when the deadline has passed. */
    static final class TimedOut extends RuntimeException {
        TimedOut() {
            super("the match took too long", null, false, false);
        }
    }

    private final String text;
    private final long deadlineNanos;
    private int reads;

    DeadlineText(String text, long deadlineNanos) {
        this.text = text;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public char charAt(int index) {
        if (++reads >= CHECK_EVERY) {
            reads = 0;
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new TimedOut();
            }
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new DeadlineText(text.substring(start, end), deadlineNanos);
    }

    @Override
    public String toString() {
        return text;
    }
}
