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
        /** 400 or 426: not a valid WebSocket handshake (method, headers, version, key, dot segments). */
        NOT_A_HANDSHAKE,
        /** 404: no route matches the path, or its route is disabled. */
        NO_ROUTE,
        /** 503: the gateway has not loaded its routes yet. */
        NOT_READY,
        /** The status a handshake policy chose (401, 403, 429, ...); {@code policyType} names the policy. */
        REJECTED_BY_POLICY,
        /** 500: a handshake policy failed; {@code policyType} is null. */
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
     *                   {@link Outcome#REJECTED_BY_POLICY}, else null
     */
    void onOutcome(String routeId, Outcome outcome, int status, String policyType);

    /** Tells no one. */
    HandshakeOutcomes NONE = (routeId, outcome, status, policyType) -> { };
}
