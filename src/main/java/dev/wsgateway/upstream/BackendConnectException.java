package dev.wsgateway.upstream;

/**
 * The backend could not be connected. The message is for the gateway's log (it may name the backend);
 * clients only ever see the status and a generic detail.
 */
public class BackendConnectException extends Exception {
    public enum Kind {
        /** The backend answered the handshake with something other than 101. */
        REFUSED,
        /** No connection could be made (refused, unknown host, TLS failure). */
        UNREACHABLE,
        /** No handshake response within the route's connect timeout. */
        TIMEOUT
    }

    private final Kind kind;

    public BackendConnectException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
