package dev.wsgateway.policy;

/**
 * What administrators revoked, as the handshake policies ask it. Revoking also closes matching live
 * sessions; that is the revocation store's job, not the policies'.
 */
public interface Revocations {
    Revocations NONE = new Revocations() {
        @Override
        public boolean tokenRevoked(String tokenId) {
            return false;
        }

        @Override
        public boolean subjectRevoked(String subject) {
            return false;
        }

        @Override
        public boolean apiKeyRevoked(String keyId) {
            return false;
        }
    };

    /** Whether a token id ({@code jti}) is revoked; false for null. */
    boolean tokenRevoked(String tokenId);

    /** Whether every credential of a subject (token {@code sub}, Basic user) is revoked; false for null. */
    boolean subjectRevoked(String subject);

    boolean apiKeyRevoked(String keyId);

    /** Whether any part of these credentials is revoked. */
    default boolean revoked(Credentials c) {
        return tokenRevoked(c.tokenId()) || subjectRevoked(c.subject()) || apiKeyRevoked(c.apiKeyId());
    }
}
