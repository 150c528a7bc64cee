package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.JwtTestSupport.AUDIENCE;
import static dev.wsgateway.policy.builtin.JwtTestSupport.ISSUER;
import static dev.wsgateway.policy.builtin.JwtTestSupport.NOW;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertInvalid;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertLeaksNothing;
import static dev.wsgateway.policy.builtin.JwtTestSupport.assertPermitted;
import static dev.wsgateway.policy.builtin.JwtTestSupport.bearer;
import static dev.wsgateway.policy.builtin.JwtTestSupport.claims;
import static dev.wsgateway.policy.builtin.JwtTestSupport.context;
import static dev.wsgateway.policy.builtin.JwtTestSupport.jwks;
import static dev.wsgateway.policy.builtin.JwtTestSupport.sign;
import static dev.wsgateway.policy.builtin.JwtTestSupport.signHs256;
import static dev.wsgateway.policy.builtin.JwtTestSupport.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.builtin.JwtTestSupport.TestRevocations;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtPolicyTest {
    private static RSAKey rsa1;
    private static RSAKey rsa2;
    private static ECKey ec1;

    @TempDir
    Path dir;
    private Path jwksFile;
    private final TestRevocations revocations = new TestRevocations();

    @BeforeAll
    static void keys() {
        rsa1 = JwtTestSupport.rsa("rsa-1");
        rsa2 = JwtTestSupport.rsa("rsa-2");
        ec1 = JwtTestSupport.ec("ec-1");
    }

    @BeforeEach
    void writeJwks() throws IOException {
        jwksFile = dir.resolve("jwks.json");
        Files.writeString(jwksFile, jwks(rsa1, ec1));
    }

    private JwtPolicy filePolicy(String extra) {
        return JwtTestSupport.policy(Map.of(), revocations, "{\"jwksFile\": \"" + jwksFile + "\", \"issuer\": \""
                + ISSUER + "\", \"audience\": \"" + AUDIENCE + "\"" + extra + "}");
    }

    private JwtPolicy filePolicy() {
        return filePolicy("");
    }

    // ---- signatures and keys --------------------------------------------------------------------------

    @Test
    void rs256TokenFromAJwksFileIsAcceptedAndRecorded() {
        String token = sign(rsa1, claims().claim("roles", List.of("member")).claim("tenant", Map.of("id", 7)).build());
        HandshakeContext context = bearer(token);

        assertPermitted(filePolicy().check(context));

        Credentials c = context.credentials();
        assertEquals("jwt", c.method());
        assertEquals("alice", c.principal());
        assertEquals("alice", c.subject());
        assertEquals("jti-1", c.tokenId());
        assertEquals(NOW.plusSeconds(300), c.expiresAt());
        assertTrue(c.enforceExpiry());
        assertEquals(ISSUER, c.claims().get("iss"));
        assertEquals(AUDIENCE, c.claims().get("aud")); // nimbus writes a one-entry audience as a string
        assertEquals(List.of("member"), c.claims().get("roles"));
        assertEquals(NOW.plusSeconds(300).getEpochSecond(), ((Number) c.claims().get("exp")).longValue());
        assertEquals(7L, ((Number) ((Map<?, ?>) c.claims().get("tenant")).get("id")).longValue());
        assertEquals(java.util.Set.of("authorization"), context.credentialHeaders());
    }

    @Test
    void es256TokenFromAJwksFileIsAccepted() {
        assertPermitted(filePolicy().check(bearer(sign(ec1, claims().build()))));
    }

    @Test
    void aRotatedFileIsPickedUpAndTheNewKidAccepted() throws IOException {
        JwtPolicy policy = filePolicy();
        assertPermitted(policy.check(bearer(sign(rsa1, claims().build()))));
        String rotated = sign(rsa2, claims().build());
        assertInvalid(policy.check(bearer(rotated)), "unknown signing key", rotated);

        Files.writeString(jwksFile, jwks(rsa2));
        // Some file systems keep whole-second times; a real rotation is later than the first write anyway.
        Files.setLastModifiedTime(jwksFile, FileTime.from(Files.getLastModifiedTime(jwksFile).toInstant().plusSeconds(2)));

        assertPermitted(policy.check(bearer(rotated)));
        String old = sign(rsa1, claims().build());
        assertInvalid(policy.check(bearer(old)), "unknown signing key", old);
    }

    @Test
    void aMissingFileIsUnavailableNotTheClientsFault() throws IOException {
        Files.delete(jwksFile);
        String token = sign(rsa1, claims().build());
        HandshakeDecision d = filePolicy().check(bearer(token));
        assertEquals(503, d.status());
        assertEquals("token keys unavailable", d.detail());
        assertEquals("5", d.headers().get("Retry-After"));
        assertLeaksNothing(d, token, jwksFile.toString());
    }

    @Test
    void aBrokenSignatureIsRejected() {
        String token = sign(rsa1, claims().build());
        String forged = token.substring(0, token.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
        assertInvalid(filePolicy().check(bearer(forged)), "bad signature", forged);
    }

    @Test
    void aTokenSignedByAnotherKeyWithAKnownKidIsRejected() {
        RSAKey impostor = new RSAKey.Builder(JwtTestSupport.rsa("x")).keyID("rsa-1").build();
        String token = sign(impostor, claims().build());
        assertInvalid(filePolicy().check(bearer(token)), "bad signature", token);
    }

    @Test
    void algNoneIsRejected() {
        String token = new PlainJWT(claims().build()).serialize();
        assertInvalid(filePolicy().check(bearer(token)), "algorithm not allowed", token);
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRejected() throws Exception {
        // Algorithm confusion: a verifier that used "the key" for HS256 would take the public key as the secret.
        byte[] der = rsa1.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII))) {
            String token = JwtTestSupport.sign(new MACSigner(secret),
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
            assertInvalid(filePolicy().check(bearer(token)), "algorithm not allowed", token);

            // Even with HS256 enabled, only the configured secret verifies HS256.
            JwtPolicy withHs = JwtTestSupport.policy(Map.of("gateway.jwt.hmac-secret", "s".repeat(40)), revocations,
                    "{\"jwksFile\": \"" + jwksFile + "\", \"algorithms\": [\"RS256\", \"HS256\"]}");
            assertInvalid(withHs.check(bearer(token)), "bad signature", token);
        }
    }

    @Test
    void anAlgorithmTheRouteDoesNotListIsRejected() {
        String token = sign(ec1, claims().build());
        assertInvalid(filePolicy(", \"algorithms\": [\"RS256\"]").check(bearer(token)), "algorithm not allowed", token);
    }

    @Test
    void hs256WithTheConfiguredSecret() {
        String secret = "0123456789abcdef0123456789abcdef-test-only";
        JwtPolicy policy = JwtTestSupport.policy(Map.of("gateway.jwt.hmac-secret", secret), revocations, "{}");
        assertPermitted(policy.check(bearer(signHs256(secret.getBytes(StandardCharsets.UTF_8), claims().build()))));

        String other = signHs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                claims().build());
        HandshakeDecision d = policy.check(bearer(other));
        assertInvalid(d, "bad signature", other, secret);
        assertFalse(policy.describe().toString().contains(secret));
        assertFalse(policy.toString().contains(secret));
    }

    @Test
    void garbageIsAMalformedToken() {
        for (String token : List.of("not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "x".repeat(20000))) {
            assertInvalid(filePolicy().check(bearer(token)), "malformed token", token);
        }
    }

    // ---- claims -----------------------------------------------------------------------------------------

    @Test
    void expiryIsRequiredAndHonoursTheClockSkew() {
        JwtPolicy policy = filePolicy(", \"clockSkewSeconds\": 30");
        String token = sign(rsa1, claims().build()); // exp = NOW + 300
        assertPermitted(policy.check(bearer(token, NOW.plusSeconds(329))));
        assertInvalid(policy.check(bearer(token, NOW.plusSeconds(330))), "token expired", token);

        String noExp = sign(rsa1, with(b -> b.expirationTime(null)));
        assertInvalid(policy.check(bearer(noExp)), "token has no expiry", noExp);
    }

    @Test
    void notBeforeHonoursTheClockSkew() {
        JwtPolicy policy = filePolicy(", \"clockSkewSeconds\": 10");
        String token = sign(rsa1, with(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(60)))));
        assertInvalid(policy.check(bearer(token, NOW.plusSeconds(49))), "token not yet valid", token);
        assertPermitted(policy.check(bearer(token, NOW.plusSeconds(50))));
    }

    @Test
    void issuerAndAudienceAreChecked() {
        JwtPolicy policy = filePolicy();
        String wrongIss = sign(rsa1, with(b -> b.issuer("https://evil.example.com/")));
        assertInvalid(policy.check(bearer(wrongIss)), "wrong issuer", wrongIss);
        String noIss = sign(rsa1, with(b -> b.issuer(null)));
        assertInvalid(policy.check(bearer(noIss)), "wrong issuer", noIss);

        String wrongAud = sign(rsa1, with(b -> b.audience("other-api")));
        assertInvalid(policy.check(bearer(wrongAud)), "wrong audience", wrongAud);
        String noAud = sign(rsa1, with(b -> b.audience((String) null)));
        assertInvalid(policy.check(bearer(noAud)), "wrong audience", noAud);
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.audience(List.of("other-api", AUDIENCE)))))));
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.audience(AUDIENCE))))));
    }

    @Test
    void issuerAndAudienceComeFromTheDefaultsUnlessTheRouteSaysOtherwise() {
        Map<String, String> defaults = Map.of("gateway.jwt.issuer", "https://default-idp/",
                "gateway.jwt.audience", "default-api", "gateway.jwt.jwks-file", jwksFile.toString());
        JwtPolicy byDefault = JwtTestSupport.policy(defaults, revocations, "{}");
        String token = sign(rsa1, claims().build());
        assertInvalid(byDefault.check(bearer(token)), "wrong issuer", token);
        JwtPolicy overridden = JwtTestSupport.policy(defaults, revocations,
                "{\"issuer\": \"" + ISSUER + "\", \"audience\": \"" + AUDIENCE + "\"}");
        assertPermitted(overridden.check(bearer(token)));
    }

    @Test
    void withoutSubTheClientIsThePrincipal() {
        HandshakeContext context = bearer(sign(rsa1, with(b -> b.subject(null).claim("client_id", "svc-1"))));
        assertPermitted(filePolicy().check(context));
        assertEquals("svc-1", context.credentials().principal());

        String none = sign(rsa1, with(b -> b.subject(null)));
        assertInvalid(filePolicy().check(bearer(none)), "token has no subject", none);
    }

    @Test
    void enforceExpiryIsPassedOn() {
        HandshakeContext context = bearer(sign(rsa1, claims().build()));
        assertPermitted(filePolicy(", \"enforceExpiry\": false").check(context));
        assertFalse(context.credentials().enforceExpiry());
        assertEquals(NOW.plusSeconds(300), context.credentials().expiresAt());
    }

    @Test
    void requiredScopesFromAStringOrAnArray() {
        JwtPolicy policy = filePolicy(", \"requiredScopes\": [\"chat:read\", \"chat:write\"]");
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.claim("scope", "openid chat:write chat:read"))))));
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.claim("scp", List.of("chat:read", "chat:write")))))));

        String token = sign(rsa1, with(b -> b.claim("scope", "chat:read")));
        HandshakeDecision d = policy.check(bearer(token));
        assertEquals(403, d.status());
        assertEquals("missing scope", d.detail());
        assertEquals("Bearer realm=\"ws-gateway\", error=\"insufficient_scope\", error_description=\"missing scope\", "
                + "scope=\"chat:read chat:write\"", d.headers().get("WWW-Authenticate"));
        assertLeaksNothing(d, token);
        assertEquals(403, policy.check(bearer(sign(rsa1, claims().build()))).status());
    }

    @Test
    void requiredRolesFromTheConfiguredClaim() {
        JwtPolicy policy = filePolicy(", \"requiredRoles\": [\"member\"], \"rolesClaim\": \"groups\"");
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.claim("groups", List.of("admin", "member")))))));
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.claim("groups", "admin member"))))));

        HandshakeDecision d = policy.check(bearer(sign(rsa1, with(b -> b.claim("roles", List.of("member"))))));
        assertEquals(403, d.status());
        assertEquals("missing role", d.detail());
        assertEquals("Bearer realm=\"ws-gateway\", error=\"insufficient_scope\", error_description=\"missing role\"",
                d.headers().get("WWW-Authenticate"));

        JwtPolicy nested = filePolicy(", \"requiredRoles\": [\"member\"], \"rolesClaim\": \"realm_access.roles\"");
        assertPermitted(nested.check(bearer(sign(rsa1,
                with(b -> b.claim("realm_access", Map.of("roles", List.of("member"))))))));
    }

    // ---- revocation -------------------------------------------------------------------------------------

    @Test
    void aRevokedTokenIdOrSubjectIsRejected() {
        JwtPolicy policy = filePolicy();
        String token = sign(rsa1, claims().build());
        assertPermitted(policy.check(bearer(token)));

        revocations.tokens.add("jti-1");
        assertInvalid(policy.check(bearer(token)), "token revoked", token);
        assertPermitted(policy.check(bearer(sign(rsa1, with(b -> b.jwtID("jti-2"))))));

        revocations.subjects.add("alice");
        String other = sign(rsa1, with(b -> b.jwtID("jti-3")));
        assertInvalid(policy.check(bearer(other)), "token revoked", other);
    }

    // ---- token sources ----------------------------------------------------------------------------------

    @Test
    void noTokenGetsTheBareChallenge() {
        HandshakeDecision d = filePolicy().check(context(Map.of(), null, List.of(), NOW));
        assertEquals(401, d.status());
        assertEquals("Bearer realm=\"ws-gateway\"", d.headers().get("WWW-Authenticate"));
        assertEquals(Map.of("WWW-Authenticate", "Bearer realm=\"ws-gateway\""), d.headers());

        HandshakeDecision basic = filePolicy().check(context(Map.of("Authorization", List.of("Basic YTpi")), null,
                List.of(), NOW));
        assertEquals("Bearer realm=\"ws-gateway\"", basic.headers().get("WWW-Authenticate"));
    }

    @Test
    void tokenFromTheQueryIsRecordedAsACredentialParameter() {
        String token = sign(rsa1, claims().build());
        HandshakeContext context = context(Map.of(), "room=1&access_token=" + token, List.of(), NOW);
        assertPermitted(filePolicy().check(context));
        assertEquals(java.util.Set.of("access_token"), context.credentialQueryParameters());
        assertTrue(context.credentialHeaders().isEmpty());

        HandshakeContext custom = context(Map.of(), "jwt=" + token, List.of(), NOW);
        assertPermitted(filePolicy(", \"queryParameter\": \"jwt\"").check(custom));
        assertEquals(java.util.Set.of("jwt"), custom.credentialQueryParameters());
    }

    @Test
    void tokenFromASubprotocolEntryIsRecordedSoItIsNeverOffered() {
        String token = sign(rsa1, claims().build());
        HandshakeContext context = context(Map.of(), null, List.of("chat.v1", "bearer." + token), NOW);
        assertPermitted(filePolicy().check(context));
        assertEquals(java.util.Set.of("bearer." + token), context.credentialSubprotocols());
        assertEquals("alice", context.credentials().principal());
    }

    @Test
    void disabledSourcesAreNotRead() {
        String token = sign(rsa1, claims().build());
        JwtPolicy headerOnly = filePolicy(", \"tokenSources\": [\"header\"]");
        HandshakeContext context = context(Map.of(), "access_token=" + token, List.of("bearer." + token), NOW);
        HandshakeDecision d = headerOnly.check(context);
        assertEquals(401, d.status());
        assertEquals("Bearer realm=\"ws-gateway\"", d.headers().get("WWW-Authenticate"));
        assertTrue(context.credentialQueryParameters().isEmpty());
        assertTrue(context.credentialSubprotocols().isEmpty());
    }

    @Test
    void theSameTokenInTwoSourcesIsFineTwoDifferentOnesAreNot() {
        String token = sign(rsa1, claims().build());
        HandshakeContext same = context(Map.of("Authorization", List.of("Bearer " + token)), "access_token=" + token,
                List.of(), NOW);
        assertPermitted(filePolicy().check(same));
        assertEquals(java.util.Set.of("authorization"), same.credentialHeaders());
        assertEquals(java.util.Set.of("access_token"), same.credentialQueryParameters());

        String other = sign(rsa1, with(b -> b.jwtID("jti-2")));
        HandshakeDecision d = filePolicy().check(context(Map.of("Authorization", List.of("Bearer " + token)), null,
                List.of("bearer." + other), NOW));
        assertEquals(400, d.status());
        assertLeaksNothing(d, token, other);
    }

    @Test
    void bearerSchemeParsing() {
        assertEquals("abc", JwtPolicy.bearer("Bearer abc"));
        assertEquals("abc", JwtPolicy.bearer("bearer   abc "));
        assertEquals("", JwtPolicy.bearer("Bearer"));
        assertNull(JwtPolicy.bearer("Basic abc"));
        assertNull(JwtPolicy.bearer("Bearerabc"));
    }

    // ---- describe ---------------------------------------------------------------------------------------

    @Test
    void describeShowsTheEffectiveSettingsButNoSecret() {
        String secret = "describe-secret-0123456789abcdef0123";
        JwtPolicy policy = JwtTestSupport.policy(Map.of("gateway.jwt.hmac-secret", secret), Revocations.NONE,
                "{\"jwksFile\": \"" + jwksFile + "\", \"issuer\": \"" + ISSUER + "\", \"requiredScopes\": [\"chat:read\"],"
                        + " \"tokenSources\": [\"header\", \"subprotocol\"]}");
        JsonObject d = policy.describe();
        assertEquals(ISSUER, d.getString("issuer"));
        assertTrue(d.isNull("audience"));
        assertEquals(List.of("RS256", "ES256", "HS256"), d.getJsonArray("algorithms").getValuesAs(
                jakarta.json.JsonString::getString));
        assertEquals("jwksFile", d.getJsonObject("keySource").getString("kind"));
        assertEquals(jwksFile.toString(), d.getJsonObject("keySource").getString("location"));
        assertTrue(d.getBoolean("hmacSecretConfigured"));
        assertEquals(30, d.getInt("clockSkewSeconds"));
        assertEquals("[\"header\",\"subprotocol\"]", d.getJsonArray("tokenSources").toString());
        assertTrue(d.getBoolean("enforceExpiry"));
        assertFalse(d.toString().contains(secret));
    }
}
