package dev.wsgateway.policy.message;

/**
 * What a message policy decided: pass the message on, drop it silently (counted), pass another payload instead
 * (whole-message policies only), or end the session: {@code code} and {@code reason} go to the side that sent the
 * message, the other side is closed with 1001.
 */
public sealed interface Verdict {
    Verdict FORWARD = new Forward();

    record Forward() implements Verdict {
    }

    /** @param reason why, for the metrics, the trace and the log (never sent) */
    record Drop(String reason) implements Verdict {
    }

    record Replace(Message message) implements Verdict {
    }

    /** @param reason at most 123 bytes in UTF-8 (RFC 6455); longer reasons are cut by the relay */
    record Close(int code, String reason) implements Verdict {
    }

    static Verdict drop(String reason) {
        return new Drop(reason);
    }

    static Verdict replace(Message message) {
        return new Replace(message);
    }

    static Verdict close(int code, String reason) {
        return new Close(code, reason);
    }
}
