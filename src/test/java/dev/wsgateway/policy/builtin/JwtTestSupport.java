package dev.wsgateway.policy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Keys, tokens, contexts and policies for the JWT tests; every key is generated here, per run. */
final class JwtTestSupport {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String ISSUER = "https://idp.example.com/";
    static final String AUDIENCE = "chat-api";
    static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:9000/chat"), List.of(), 1000, 60,
            1024, 30, true, List.of(), 1);

    private JwtTestSupport() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    /** Claims valid at {@link #NOW} for five minutes, for {@link #ISSUER} and {@link #AUDIENCE}. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(300)))
                .jwtID("jti-1");
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        try {
            if (key instanceof RSAKey rsa) {
                return sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
                        .build(), claims);
            }
            ECKey ec = (ECKey) key;
            return sign(new ECDSASigner(ec), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String signHs256(byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret), new JWSHeader(JWSAlgorithm.HS256), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static HandshakeContext context(Map<String, List<String>> headers, String rawQuery, List<String> subprotocols,
                                    Instant now) {
        return new HandshakeContext(ROUTE, headers, rawQuery, subprotocols, "127.0.0.1", "127.0.0.1", false, now);
    }

    static HandshakeContext bearer(String token) {
        return bearer(token, NOW);
    }

    static HandshakeContext bearer(String token, Instant now) {
        return context(Map.of("Authorization", List.of("Bearer " + token)), null, List.of(), now);
    }

    static JsonObject json(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static GatewayDefaults defaults(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    /** Builds a policy that must be valid. */
    static JwtPolicy policy(Map<String, String> defaults, Revocations revocations, String entry) {
        List<FieldError> errors = new ArrayList<>();
        JwtPolicy policy = (JwtPolicy) new JwtPolicyFactory(defaults(defaults), revocations)
                .create(new JsonFields(json(entry), "jwt.", errors));
        assertEquals(List.of(), errors);
        return policy;
    }

    static List<FieldError> problems(Map<String, String> defaults, String entry) {
        List<FieldError> errors = new ArrayList<>();
        new JwtPolicyFactory(defaults(defaults), Revocations.NONE).create(new JsonFields(json(entry), "jwt.", errors));
        return errors;
    }

    /** A 401 invalid_token with the given description, which leaks none of {@code secrets}. */
    static void assertInvalid(HandshakeDecision decision, String description, String... secrets) {
        assertEquals(401, decision.status(), () -> "status of " + decision);
        assertEquals(description, decision.detail());
        assertEquals("Bearer realm=\"ws-gateway\", error=\"invalid_token\", error_description=\"" + description + "\"",
                decision.headers().get("WWW-Authenticate"));
        assertLeaksNothing(decision, secrets);
    }

    static void assertLeaksNothing(HandshakeDecision decision, String... secrets) {
        for (String secret : secrets) {
            String shown = decision.detail() + " " + decision.headers();
            assertFalse(shown.contains(secret), () -> "the decision shows a secret: " + shown);
            // No fragment either (a JWT's header or payload part).
            for (String part : secret.split("\\.")) {
                if (part.length() > 8) {
                    assertFalse(shown.contains(part), () -> "the decision shows part of a secret: " + shown);
                }
            }
        }
    }

    static void assertPermitted(HandshakeDecision decision) {
        assertTrue(decision.permitted(), () -> "expected permit, got " + decision);
    }

    /** Revocations by explicit sets. */
    static final class TestRevocations implements Revocations {
        final Set<String> tokens = new HashSet<>();
        final Set<String> subjects = new HashSet<>();

        @Override
        public boolean tokenRevoked(String tokenId) {
            return tokenId != null && tokens.contains(tokenId);
        }

        @Override
        public boolean subjectRevoked(String subject) {
            return subject != null && subjects.contains(subject);
        }

        @Override
        public boolean apiKeyRevoked(String keyId) {
            return false;
        }
    }

    static JWTClaimsSet with(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder b = claims();
        change.accept(b);
        return b.build();
    }
}
