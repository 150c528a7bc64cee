package dev.wsgateway.edge;

/**
 * Told how every handshake on {@code /ws/*} ended, exactly once per handshake, on whichever thread decided
 * it (a request thread, or the backend transport's). The one place to count handshake outcomes.
 *
 * <p>Every CDI bean of this type is told; with none, nothing is. Implementations must be quick and must not
 * throw (a failure is logged and ignored).
 */
public interface HandshakeOutcomes {

    /** How a handshake ended. */
    enum Outcome {
        /** 101: the client was upgraded and relays to its backend. */
        UPGRADED,
        /** 400: the path has dot segments ({@code .} or {@code ..}, also percent-encoded). */
        BAD_PATH,
        /** 426, or 400 without {@code Sec-WebSocket-Key}: not a WebSocket version 13 handshake. */
        NOT_A_HANDSHAKE,
        /** 404: no route matches the path. */
        NO_ROUTE,
        /** 404: the route for the path is disabled. */
        ROUTE_DISABLED,
        /** 503: the gateway has not loaded its routes yet. */
        NOT_READY,
        /** 503 with {@code Retry-After}: this instance is draining (POST /api/admin/drain, or shutting down). */
        DRAINING,
        /** The status a handshake policy chose (401, 403, 429, ...); {@code policyType} names the policy. */
        REJECTED_BY_POLICY,
        /** 500: a handshake policy threw; {@code policyType} names it. */
        POLICY_FAILED,
        /** 503: too many handshakes are waiting for their backends (the route's share or the gateway's total). */
        TOO_MANY_WAITING,
        /** 502: the backend answered its handshake with something other than 101. */
        BACKEND_REFUSED,
        /** 502: the backend could not be connected. */
        BACKEND_UNREACHABLE,
        /** 504: the backend did not answer within the route's connect timeout. */
        BACKEND_TIMEOUT,
        /** No answer (status 0): the client went away while its backend was being connected. */
        CLIENT_GONE,
        /** 500: the backend was connected but the container's upgrade of the client failed. */
        UPGRADE_FAILED
    }

    /**
     * @param routeId    the matched route's id, or null when none matched (or the gateway was not ready)
     * @param outcome    how it ended
     * @param status     the HTTP status the client got: 101 when upgraded, 0 when it got none
     * @param policyType the type of the rejecting policy ({@code "jwt"}, {@code "ip"}, ...) for
     *                   {@link Outcome#REJECTED_BY_POLICY}, or of the policy that threw for
     *                   {@link Outcome#POLICY_FAILED}, else null
     */
    void onOutcome(String routeId, Outcome outcome, int status, String policyType);

    /**
     * Told once per backend connect, when it ended (before the handshake's outcome): how long it took and how
     * it ended: {@link Outcome#UPGRADED} for connected (the client's upgrade is still to come),
     * {@link Outcome#BACKEND_REFUSED}, {@link Outcome#BACKEND_UNREACHABLE} or {@link Outcome#BACKEND_TIMEOUT}.
     */
    default void onBackendConnect(String routeId, long nanos, Outcome outcome) {
    }

    /** Tells no one. */
    HandshakeOutcomes NONE = (routeId, outcome, status, policyType) -> { };

    /** Tells each of these, in turn; one that throws is logged and skipped. */
    static HandshakeOutcomes all(java.util.List<HandshakeOutcomes> listeners) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(HandshakeOutcomes.class.getName());
        return new HandshakeOutcomes() {
            @Override
            public void onOutcome(String routeId, Outcome outcome, int status, String policyType) {
                for (HandshakeOutcomes l : listeners) {
                    try {
                        l.onOutcome(routeId, outcome, status, policyType);
                    } catch (RuntimeException e) {
                        log.log(java.util.logging.Level.WARNING, "a handshake outcome listener failed", e);
                    }
                }
            }

            @Override
            public void onBackendConnect(String routeId, long nanos, Outcome outcome) {
                for (HandshakeOutcomes l : listeners) {
                    try {
                        l.onBackendConnect(routeId, nanos, outcome);
                    } catch (RuntimeException e) {
                        log.log(java.util.logging.Level.WARNING, "a handshake outcome listener failed", e);
                    }
                }
            }
        };
    }
}
