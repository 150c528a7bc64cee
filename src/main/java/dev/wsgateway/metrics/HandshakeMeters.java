package dev.wsgateway.metrics;

import dev.wsgateway.edge.HandshakeOutcomes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;

/** Counts every handshake's outcome and times every backend connect (the handshake pipeline tells it once each). */
@ApplicationScoped
public class HandshakeMeters implements HandshakeOutcomes {
    @Inject
    GatewayMeters meters;

    @Override
    public void onOutcome(String routeId, Outcome outcome, int status, String policyType) {
        meters.handshake(routeId, reason(outcome), status, policyType);
    }

    @Override
    public void onBackendConnect(String routeId, long nanos, Outcome outcome) {
        String result = switch (outcome) {
            case UPGRADED -> "connected";
            case BACKEND_TIMEOUT -> "timeout";
            case BACKEND_UNREACHABLE -> "unreachable";
            default -> "refused";
        };
        meters.backendConnect(routeId, nanos, result);
    }

    /** The {@code reason} tag (docs/operations.md lists them). */
    static String reason(Outcome outcome) {
        return switch (outcome) {
            case UPGRADED -> "accepted";
            case NOT_A_HANDSHAKE -> "not_websocket";
            case REJECTED_BY_POLICY -> "policy";
            case POLICY_FAILED -> "policy_error";
            case TOO_MANY_WAITING -> "busy";
            default -> outcome.name().toLowerCase(Locale.ROOT);
        };
    }
}
