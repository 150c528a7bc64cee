package dev.wsgateway.relay;


/**
 * What the gateway sends to one side when the other side's connection ends with a given code.
 * Codes an endpoint may send are passed on with their reason as they are; codes that only describe
 * a local event (1005 no status, 1006 abnormal, 1015 TLS failure) become the gateway's own.
 */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int NO_STATUS = 1005;
    public static final int ABNORMAL = 1006;
    public static final int POLICY_VIOLATION = 1008;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int TLS_HANDSHAKE = 1015;

    /** RFC 6455 section 5.5.1: the reason fits in a control frame after the two code bytes. */
    public static final int MAX_REASON_BYTES = 123;

    public static final String CLIENT_GONE = "client went away";
    public static final String BACKEND_GONE = "backend connection lost";
    public static final String BACKEND_TLS = "backend TLS failure";
    public static final String INVALID_CODE = "peer closed with an invalid code";

    private CloseCodes() {
    }

    public record Close(int code, String reason) {
        public Close {
            reason = truncate(reason);
        }
    }

    /** Whether an endpoint may put this code in a close frame (RFC 6455 7.4, IANA registry). */
    public static boolean sendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** The close for the other side when {@code from} ended with {@code code} and {@code reason}. */
    public static Close forward(Side from, int code, String reason) {
        if (sendable(code)) {
            return new Close(code, reason == null ? "" : reason);
        }
        if (code == NO_STATUS) {
            return new Close(NORMAL, "");
        }
        if (from == Side.CLIENT) {
            return new Close(GOING_AWAY, CLIENT_GONE);
        }
        return switch (code) {
            case ABNORMAL -> new Close(INTERNAL_ERROR, BACKEND_GONE);
            case TLS_HANDSHAKE -> new Close(INTERNAL_ERROR, BACKEND_TLS);
            default -> new Close(INTERNAL_ERROR, INVALID_CODE);
        };
    }

    /** Cuts a reason to {@link #MAX_REASON_BYTES} of UTF-8 without splitting a character. */
    public static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        return Utf8.cut(reason, MAX_REASON_BYTES);
    }
}
