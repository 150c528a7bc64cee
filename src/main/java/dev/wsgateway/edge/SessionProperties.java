package dev.wsgateway.edge;

/**
 * Keys of what the gateway puts in each client session's user properties, for later policies to read.
 * The values are immutable.
 */
public final class SessionProperties {
    /** {@code Map<String, List<String>>}: the handshake request's headers (the HeaderSet), case-insensitive keys. */
    public static final String HANDSHAKE_HEADERS = "gateway.handshake.headers";
    /** {@link dev.wsgateway.route.Route}: the route the handshake matched. */
    public static final String ROUTE = "gateway.route";
    /** {@link java.security.Principal}: who authenticated the handshake (a gateway policy, else the container); absent when nobody did. */
    public static final String PRINCIPAL = "gateway.principal";
    /**
     * {@link dev.wsgateway.policy.Credentials}: what the handshake policies learned (principal, API key id,
     * token id, subject, claims, expiry); {@code Credentials.ANONYMOUS} when no policy authenticated.
     */
    public static final String CREDENTIALS = "gateway.credentials";
    /** {@link dev.wsgateway.relay.RelaySession}: the relayed pair this session belongs to. */
    public static final String RELAY = "gateway.relay";

    private SessionProperties() {
    }
}
