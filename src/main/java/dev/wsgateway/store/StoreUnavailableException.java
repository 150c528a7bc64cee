package dev.wsgateway.store;

/**
 * The shared store cannot be reached, so what needs it cannot be done now; nothing was half-done. Answered
 * with 503 and {@code Retry-After}.
 */
public class StoreUnavailableException extends IllegalStateException {
    public static final int RETRY_AFTER_SECONDS = 5;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
