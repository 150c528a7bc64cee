package dev.wsgateway.policy.builtin;

import static dev.wsgateway.config.JsonSupport.JSON;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bearer JWT (RFC 6750 / RFC 7519) on the upgrade request. The token is read from {@code Authorization:
 * Bearer}, a query parameter, or a {@code bearer.<token>} subprotocol entry (what a browser can set), in that
 * order as enabled; each source that carried it is recorded so the credential is not forwarded. Verified with
 * RS256/ES256 keys from a JWKS (by {@code kid}, see {@link JwksCache}) or HS256 with the gateway's configured
 * secret; then {@code exp} (required), {@code nbf}, {@code iss}, {@code aud} with the clock skew, revocation,
 * scopes and roles. Rejections carry short fixed descriptions: never the token, a key or the secret.
 */
public final class JwtPolicy implements HandshakePolicy {
    static final String REALM = "ws-gateway";
    static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
    /** Longer tokens are not parsed. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    enum TokenSource {
        HEADER("header"), QUERY("query"), SUBPROTOCOL("subprotocol");

        final String name;

        TokenSource(String name) {
            this.name = name;
        }

        static TokenSource named(String name) {
            for (TokenSource s : values()) {
                if (s.name.equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** The effective settings; the HMAC secret is held apart so that no toString can show it. */
    record Settings(String issuer, String audience, Set<JWSAlgorithm> algorithms, int clockSkewSeconds,
                    List<String> requiredScopes, List<String> requiredRoles, String rolesClaim,
                    Set<TokenSource> tokenSources, String queryParameter, boolean enforceExpiry, int jwksTimeoutMillis) {
    }

    private final Settings settings;
    private final Duration skew;
    private final JwksCache keys;
    private final byte[] hmacSecret;
    private final Revocations revocations;

    /**
     * @param keys       the JWKS, or null when only HS256 is used
     * @param hmacSecret the HS256 secret, or null
     */
    JwtPolicy(Settings settings, JwksCache keys, byte[] hmacSecret, Revocations revocations) {
        this.settings = settings;
        this.skew = Duration.ofSeconds(settings.clockSkewSeconds());
        this.keys = keys;
        this.hmacSecret = hmacSecret == null ? null : hmacSecret.clone();
        this.revocations = revocations;
    }

    Settings settings() {
        return settings;
    }

    @Override
    public String type() {
        return "jwt";
    }

    @Override
    public int order() {
        return PolicyOrder.JWT;
    }

    /** A reason to refuse, as flow control inside {@link #check}. */
    private static final class Refusal extends Exception {
        final transient HandshakeDecision decision;

        Refusal(HandshakeDecision decision) {
            super(null, null, false, false);
            this.decision = decision;
        }
    }

    private static Refusal invalid(String description) {
        return new Refusal(HandshakeDecision.reject(401, description).withHeader("WWW-Authenticate",
                CHALLENGE + ", error=\"invalid_token\", error_description=\"" + description + "\""));
    }

    @Override
    public HandshakeDecision check(HandshakeContext context) {
        try {
            String token = token(context);
            if (token == null) {
                return HandshakeDecision.reject(401, "access token required").withHeader("WWW-Authenticate", CHALLENGE);
            }
            Instant now = context.now();
            SignedJWT jwt = verifiedSignature(token, now);
            JWTClaimsSet claims = claims(jwt);
            Date exp = claims.getExpirationTime();
            if (exp == null) {
                throw invalid("token has no expiry");
            }
            if (!now.isBefore(exp.toInstant().plus(skew))) {
                throw invalid("token expired");
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
                throw invalid("token not yet valid");
            }
            if (settings.issuer() != null && !settings.issuer().equals(claims.getIssuer())) {
                throw invalid("wrong issuer");
            }
            if (settings.audience() != null
                    && (claims.getAudience() == null || !claims.getAudience().contains(settings.audience()))) {
                throw invalid("wrong audience");
            }
            String sub = stringClaim(claims, "sub");
            String principal = sub != null ? sub : stringClaim(claims, "client_id");
            principal = principal != null ? principal : stringClaim(claims, "azp");
            if (principal == null) {
                throw invalid("token has no subject");
            }
            String subject = sub != null ? sub : principal;
            String jti = stringClaim(claims, "jti");
            if (revocations.tokenRevoked(jti) || revocations.subjectRevoked(subject)) {
                throw invalid("token revoked");
            }
            checkScopes(claims);
            checkRoles(claims);
            context.authenticated("jwt", principal, subject);
            context.token(jti, exp.toInstant(), settings.enforceExpiry(), plainMap(claims.toJSONObject()));
            return HandshakeDecision.permit();
        } catch (Refusal r) {
            return r.decision;
        }
    }

    /** The token from the enabled sources, recording each source that carried one; null when none did. */
    private String token(HandshakeContext context) throws Refusal {
        Set<String> found = new LinkedHashSet<>();
        if (settings.tokenSources().contains(TokenSource.HEADER)) {
            List<String> values = context.headers().getOrDefault("Authorization", List.of());
            for (String value : values) {
                String t = bearer(value);
                if (t != null) {
                    context.credentialHeader("Authorization");
                    found.add(t);
                }
            }
        }
        if (settings.tokenSources().contains(TokenSource.QUERY)) {
            String t = context.queryParameter(settings.queryParameter());
            if (t != null) {
                context.credentialQueryParameter(settings.queryParameter());
                found.add(t.trim());
            }
        }
        if (settings.tokenSources().contains(TokenSource.SUBPROTOCOL)) {
            for (String entry : context.requestedSubprotocols()) {
                if (entry.regionMatches(true, 0, "bearer.", 0, 7)) {
                    context.credentialSubprotocol(entry);
                    found.add(entry.substring(7).trim());
                }
            }
        }
        if (found.size() > 1) {
            String description = "more than one access token";
            throw new Refusal(HandshakeDecision.reject(400, description).withHeader("WWW-Authenticate",
                    CHALLENGE + ", error=\"invalid_request\", error_description=\"" + description + "\""));
        }
        return found.isEmpty() ? null : found.iterator().next();
    }

    /** The token of a {@code Bearer} credential ("" when it has none), or null for another scheme. */
    static String bearer(String authorization) {
        String a = authorization.trim();
        if (a.length() < 6 || !a.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        if (a.length() == 6) {
            return "";
        }
        return Character.isWhitespace(a.charAt(6)) ? a.substring(7).trim() : null;
    }

    private SignedJWT verifiedSignature(String token, Instant now) throws Refusal {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw invalid("malformed token");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw invalid("malformed token");
        }
        if (parsed instanceof PlainJWT) {
            throw invalid("algorithm not allowed"); // alg: none
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            throw invalid("malformed token"); // encrypted tokens are not supported
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!settings.algorithms().contains(alg)) {
            throw invalid("algorithm not allowed");
        }
        if (JWSAlgorithm.HS256.equals(alg)) {
            try {
                if (hmacSecret != null && jwt.verify(new MACVerifier(hmacSecret))) {
                    return jwt;
                }
            } catch (JOSEException | RuntimeException e) {
                // below
            }
            throw invalid("bad signature");
        }
        if (keys == null) {
            throw invalid("unknown signing key");
        }
        List<JWK> candidates;
        try {
            candidates = keys.select(JWKMatcher.forJWSHeader(jwt.getHeader()), now);
        } catch (JwksCache.Unavailable e) {
            throw new Refusal(HandshakeDecision.reject(503, "token keys unavailable").withHeader("Retry-After", "5"));
        }
        if (candidates.isEmpty()) {
            throw invalid("unknown signing key");
        }
        for (JWK key : candidates) {
            try {
                JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                        : key instanceof ECKey ec ? new ECDSAVerifier(ec) : null;
                if (verifier != null && jwt.verify(verifier)) {
                    return jwt;
                }
            } catch (JOSEException | RuntimeException e) {
                // a key that can't check this signature (wrong curve, too short): try the next
            }
        }
        throw invalid("bad signature");
    }

    private static JWTClaimsSet claims(SignedJWT jwt) throws Refusal {
        try {
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims == null) {
                throw invalid("malformed token");
            }
            return claims;
        } catch (ParseException e) {
            throw invalid("malformed token");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws Refusal {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw invalid("malformed token");
        }
        return s.isEmpty() ? null : s;
    }

    private void checkScopes(JWTClaimsSet claims) throws Refusal {
        if (settings.requiredScopes().isEmpty()) {
            return;
        }
        Set<String> granted = new LinkedHashSet<>();
        granted.addAll(words(claims.getClaim("scope")));
        granted.addAll(words(claims.getClaim("scp")));
        if (!granted.containsAll(settings.requiredScopes())) {
            String description = "missing scope";
            throw new Refusal(HandshakeDecision.reject(403, description).withHeader("WWW-Authenticate",
                    CHALLENGE + ", error=\"insufficient_scope\", error_description=\"" + description
                            + "\", scope=\"" + String.join(" ", settings.requiredScopes()) + "\""));
        }
    }

    private void checkRoles(JWTClaimsSet claims) throws Refusal {
        if (settings.requiredRoles().isEmpty()) {
            return;
        }
        if (!words(claim(claims.getClaims(), settings.rolesClaim())).containsAll(settings.requiredRoles())) {
            String description = "missing role";
            throw new Refusal(HandshakeDecision.reject(403, description).withHeader("WWW-Authenticate",
                    CHALLENGE + ", error=\"insufficient_scope\", error_description=\"" + description + "\""));
        }
    }

    /**
     * A claim by name; when no claim has that name and it has dots, a nested one ({@code realm_access.roles}).
     */
    static Object claim(Map<String, Object> claims, String name) {
        if (claims.containsKey(name) || name.indexOf('.') < 0) {
            return claims.get(name);
        }
        Object value = claims;
        for (String part : name.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value;
    }

    /** A space-separated string or an array of strings as a set; anything else is empty. */
    static Set<String> words(Object value) {
        Set<String> words = new LinkedHashSet<>();
        if (value instanceof String s) {
            Arrays.stream(s.split("\\s+")).filter(w -> !w.isEmpty()).forEach(words::add);
        } else if (value instanceof Collection<?> list) {
            for (Object entry : list) {
                if (entry instanceof String s && !s.isEmpty()) {
                    words.add(s);
                }
            }
        }
        return words;
    }

    /** Claims as plain, immutable Java values (String, Number, Boolean, List, Map); nulls dropped. */
    static Map<String, Object> plainMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            Object p = plain(v);
            if (k != null && p != null) {
                out.put(k.toString(), p);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return plainMap(map);
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object entry : list) {
                Object p = plain(entry);
                if (p != null) {
                    out.add(p);
                }
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Date date) {
            return date.getTime() / 1000;
        }
        return value.toString();
    }

    @Override
    public JsonObject describe() {
        JsonObjectBuilder b = JSON.createObjectBuilder();
        if (settings.issuer() != null) {
            b.add("issuer", settings.issuer());
        } else {
            b.addNull("issuer");
        }
        if (settings.audience() != null) {
            b.add("audience", settings.audience());
        } else {
            b.addNull("audience");
        }
        b.add("algorithms", JSON.createArrayBuilder(settings.algorithms().stream().map(JWSAlgorithm::getName).toList()));
        JsonObjectBuilder keySource = JSON.createObjectBuilder();
        if (keys != null) {
            keySource.add("kind", keys.kind()).add("location", keys.location());
            if (keys.kind().equals("jwksUrl")) {
                keySource.add("timeoutMillis", settings.jwksTimeoutMillis());
            }
        } else {
            keySource.add("kind", "none");
        }
        b.add("keySource", keySource);
        b.add("hmacSecretConfigured", hmacSecret != null);
        b.add("clockSkewSeconds", settings.clockSkewSeconds());
        b.add("requiredScopes", JSON.createArrayBuilder(settings.requiredScopes()));
        b.add("requiredRoles", JSON.createArrayBuilder(settings.requiredRoles()));
        b.add("rolesClaim", settings.rolesClaim());
        b.add("tokenSources", JSON.createArrayBuilder(settings.tokenSources().stream().map(s -> s.name).toList()));
        b.add("queryParameter", settings.queryParameter());
        b.add("enforceExpiry", settings.enforceExpiry());
        return b.build();
    }

    @Override
    public String toString() {
        return "JwtPolicy" + describe();
    }
}
