package dev.wsgateway.policy;

import java.time.Instant;
import java.util.Map;

/**
 * What the handshake policies learned about the client, immutable; kept with the relayed session for
 * revocation and token expiry, and in the client session's user properties for later policies.
 *
 * @param principal     who authenticated (a user name, a token's subject, an API key's name); null: nobody
 * @param method        how: {@code apiKey}, {@code basic}, {@code jwt}; null when nobody authenticated
 * @param apiKeyId      the id of the API key used, or null
 * @param subject       the subject revocations by subject match (token {@code sub}, Basic user name), or null
 * @param tokenId       the token's {@code jti}, or null
 * @param expiresAt     when the credential stops being valid (a token's {@code exp}), or null
 * @param enforceExpiry whether the session is closed at {@code expiresAt}
 * @param claims        the verified token's claims (JSON types as Java values), empty without a token
 */
public record Credentials(String principal, String method, String apiKeyId, String subject, String tokenId,
                          Instant expiresAt, boolean enforceExpiry, Map<String, Object> claims) {
    public static final Credentials ANONYMOUS = new Credentials(null, null, null, null, null, null, false, Map.of());

    public Credentials {
        claims = Map.copyOf(claims);
    }

    /** The identity limits are counted against: the API key, else the principal, else the client address. */
    public String identity(String clientAddress) {
        if (apiKeyId != null) {
            return "key:" + apiKeyId;
        }
        if (principal != null) {
            return "user:" + principal;
        }
        return "ip:" + clientAddress;
    }
}
