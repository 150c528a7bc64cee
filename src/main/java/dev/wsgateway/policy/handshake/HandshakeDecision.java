package dev.wsgateway.policy.handshake;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy's answer: permit, or reject with an HTTP status, headers (for example {@code WWW-Authenticate},
 * {@code Retry-After}) and a short detail for the client. The detail never holds a secret.
 */
public record HandshakeDecision(int status, String detail, Map<String, String> headers) {
    private static final HandshakeDecision PERMIT = new HandshakeDecision(0, null, Map.of());

    public HandshakeDecision {
        headers = Map.copyOf(headers);
    }

    public static HandshakeDecision permit() {
        return PERMIT;
    }

    public static HandshakeDecision reject(int status, String detail) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection is a 4xx or 5xx status, not " + status);
        }
        return new HandshakeDecision(status, detail, Map.of());
    }

    public HandshakeDecision withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HandshakeDecision(status, detail, more);
    }

    public boolean permitted() {
        return status == 0;
    }
}
