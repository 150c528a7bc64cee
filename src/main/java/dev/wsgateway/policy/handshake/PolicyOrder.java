package dev.wsgateway.policy.handshake;

/**
 * The defined order of the chain: who the client is at the network level first (cheap, no secrets),
 * then the credential, then the limits (which count per authenticated identity), and last the shaping
 * of the request to the backend.
 */
public final class PolicyOrder {
    public static final int IP = 100;
    public static final int ORIGIN = 200;
    public static final int API_KEY = 300;
    public static final int BASIC = 310;
    public static final int JWT = 320;
    public static final int RATE_LIMIT = 500;
    public static final int HEADERS = 900;

    private PolicyOrder() {
    }
}
