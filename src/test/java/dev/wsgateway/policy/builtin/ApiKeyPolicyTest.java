package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.NOW;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.assertRejected;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.defaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.json;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.noDefaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.policy;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.problems;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.request;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.identity.ApiKeyStore;
import dev.wsgateway.identity.Revocation;
import dev.wsgateway.identity.RevocationStore;
import dev.wsgateway.identity.Secrets;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyPolicyTest {
    private static final String CHALLENGE = "ApiKey realm=\"ws-gateway\"";
    private static final String REQUIRED = "An API key is required (header X-API-Key or query parameter api_key).";
    private static final String INVALID = "The API key is not valid.";
    private static final String REVOKED = "The API key has been revoked.";

    @TempDir
    Path dir;

    private ApiKeyStore keys;
    private RevocationStore revocations;
    private ApiKeyPolicy.Factory factory;
    private HandshakePolicy policy;

    @BeforeEach
    void setUp() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        keys = new ApiKeyStore(dir, clock);
        keys.load();
        revocations = new RevocationStore(dir, clock);
        revocations.load();
        factory = new ApiKeyPolicy.Factory(noDefaults(), keys, revocations);
        policy = policy(factory, "{}");
    }

    private static void assertUnauthorized(HandshakeDecision decision, String detail) {
        assertRejected(decision, 401, detail);
        assertEquals(Map.of("WWW-Authenticate", CHALLENGE), decision.headers());
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void typeOrderAndDescription() {
        assertEquals("apiKey", policy.type());
        assertEquals(PolicyOrder.API_KEY, policy.order());
        assertEquals(json("{'header': 'X-API-Key', 'queryParameter': 'api_key'}"), policy.describe());
    }

    @Test
    void aKeyInTheHeaderAuthenticatesAndIsACredentialHeader() throws IOException {
        ApiKeyStore.Created created = keys.create("billing-service", List.of(), null);
        HandshakeContext context = request().header("x-api-key", created.secret()).query("a=1").context();

        assertTrue(policy.check(context).permitted());
        Credentials c = context.credentials();
        assertEquals("apiKey", c.method());
        assertEquals(created.key().id(), c.apiKeyId());
        assertEquals("billing-service", c.principal());
        assertEquals(null, c.subject());
        assertEquals(Set.of("x-api-key"), context.credentialHeaders());
        assertEquals(Set.of(), context.credentialQueryParameters());
    }

    @Test
    void aKeyInTheQueryAuthenticatesAndIsACredentialQueryParameter() throws IOException {
        ApiKeyStore.Created created = keys.create("browser", List.of(), null);
        HandshakeContext context = request().query("room=1&api_key=" + q(created.secret())).context();

        assertTrue(policy.check(context).permitted());
        assertEquals(created.key().id(), context.credentials().apiKeyId());
        assertEquals(Set.of("api_key"), context.credentialQueryParameters());
        assertEquals(Set.of(), context.credentialHeaders());
    }

    @Test
    void theSameKeyInBothPlacesIsFineAndBothAreCredentials() throws IOException {
        String secret = keys.create("a", List.of(), null).secret();
        HandshakeContext context = request().header("X-API-Key", secret).query("api_key=" + q(secret)).context();
        assertTrue(policy.check(context).permitted());
        assertEquals(Set.of("x-api-key"), context.credentialHeaders());
        assertEquals(Set.of("api_key"), context.credentialQueryParameters());
    }

    @Test
    void twoDifferentKeysAreABadRequest() throws IOException {
        String a = keys.create("a", List.of(), null).secret();
        String b = keys.create("b", List.of(), null).secret();
        HandshakeContext context = request().header("X-API-Key", a).query("api_key=" + q(b)).context();
        HandshakeDecision decision = policy.check(context);
        assertRejected(decision, 400, "Two different API keys were presented.");
        assertEquals(Credentials.ANONYMOUS, context.credentials());
    }

    @Test
    void missingKeyIs401WithTheChallenge() {
        assertUnauthorized(policy.check(request().context()), REQUIRED);
        assertUnauthorized(policy.check(request().header("X-API-Key", "  ").context()), REQUIRED);
        assertUnauthorized(policy.check(request().query("api_key=").context()), REQUIRED);
    }

    @Test
    void unknownOrMalformedKeyIs401() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of(), null);
        String wrongSecret = ApiKeyStore.PREFIX + created.key().id() + "_" + Secrets.secret();
        HandshakeContext context = request().header("X-API-Key", wrongSecret).context();
        assertUnauthorized(policy.check(context), INVALID);
        assertEquals(Credentials.ANONYMOUS, context.credentials());
        assertEquals(Set.of("x-api-key"), context.credentialHeaders(), "not forwarded even when wrong");

        assertUnauthorized(policy.check(request().header("X-API-Key", "not-a-key").context()), INVALID);
        assertUnauthorized(policy.check(request().header("X-API-Key", created.secret() + "x").context()), INVALID);
    }

    @Test
    void aKeyRevokedInTheStoreIs401() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of(), null);
        keys.revoke(created.key().id());
        HandshakeContext context = request().header("X-API-Key", created.secret()).context();
        assertUnauthorized(policy.check(context), REVOKED);
        assertEquals(Credentials.ANONYMOUS, context.credentials());
    }

    @Test
    void aKeyRevokedThroughRevocationsIs401() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of(), null);
        assertTrue(policy.check(request().header("X-API-Key", created.secret()).context()).permitted());

        revocations.revoke(Revocation.Kind.API_KEY_ID, created.key().id(), null, "leaked");
        assertUnauthorized(policy.check(request().header("X-API-Key", created.secret()).context()), REVOKED);
    }

    @Test
    void anExpiredKeyIs401() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of(), NOW.plusSeconds(3600));
        assertTrue(policy.check(request().header("X-API-Key", created.secret()).at(NOW.plusSeconds(3599)).context())
                .permitted());
        assertUnauthorized(policy.check(request().header("X-API-Key", created.secret()).at(NOW.plusSeconds(3600))
                .context()), "The API key has expired.");
    }

    @Test
    void aKeyLimitedToOtherRoutesIs403() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of("news", "chat"), null);
        assertTrue(policy.check(request().route(route("chat")).header("X-API-Key", created.secret()).context()).permitted());
        HandshakeContext context = request().route(route("admin")).header("X-API-Key", created.secret()).context();
        HandshakeDecision decision = policy.check(context);
        assertRejected(decision, 403, "The API key is not allowed on this route.");
        assertEquals(Map.of(), decision.headers());
        assertEquals(Credentials.ANONYMOUS, context.credentials());
    }

    @Test
    void durableKeysWorkAfterAReload() throws IOException {
        ApiKeyStore.Created created = keys.create("a", List.of(), null);
        ApiKeyStore reloaded = new ApiKeyStore(dir, Clock.systemUTC());
        reloaded.load();
        HandshakePolicy fresh = policy(new ApiKeyPolicy.Factory(noDefaults(), reloaded, revocations), "{}");
        HandshakeContext context = request().header("X-API-Key", created.secret()).context();
        assertTrue(fresh.check(context).permitted());
        assertEquals(created.key().id(), context.credentials().apiKeyId());
    }

    @Test
    void ownHeaderAndQueryParameter() throws IOException {
        String secret = keys.create("a", List.of(), null).secret();
        HandshakePolicy custom = policy(factory, "{'header': 'X-Key', 'queryParameter': 'key'}");
        assertTrue(custom.check(request().header("X-Key", secret).context()).permitted());
        assertTrue(custom.check(request().query("key=" + q(secret)).context()).permitted());
        assertUnauthorized(custom.check(request().header("X-API-Key", secret).query("api_key=" + q(secret)).context()),
                "An API key is required (header X-Key or query parameter key).");
    }

    @Test
    void anEmptyQueryParameterAcceptsTheHeaderOnly() throws IOException {
        String secret = keys.create("a", List.of(), null).secret();
        HandshakePolicy headerOnly = policy(factory, "{'queryParameter': ''}");
        assertEquals(json("{'header': 'X-API-Key', 'queryParameter': null}"), headerOnly.describe());
        assertUnauthorized(headerOnly.check(request().query("api_key=" + q(secret)).context()),
                "An API key is required (header X-API-Key).");
        assertTrue(headerOnly.check(request().header("X-API-Key", secret).context()).permitted());
    }

    @Test
    void theSettingNoneAcceptsTheHeaderOnly() {
        ApiKeyPolicy.Factory configured = new ApiKeyPolicy.Factory(
                defaults(Map.of("gateway.api-key.query-parameter", "none")), keys, revocations);
        assertEquals(json("{'header': 'X-API-Key', 'queryParameter': null}"), policy(configured, "{}").describe());
    }

    @Test
    void defaultsComeFromGatewaySettings() throws IOException {
        String secret = keys.create("a", List.of(), null).secret();
        ApiKeyPolicy.Factory configured = new ApiKeyPolicy.Factory(defaults(Map.of("gateway.api-key.header", "X-Gw-Key",
                "gateway.api-key.query-parameter", "gwkey")), keys, revocations);
        HandshakePolicy p = policy(configured, "{}");
        assertEquals(json("{'header': 'X-Gw-Key', 'queryParameter': 'gwkey'}"), p.describe());
        assertTrue(p.check(request().header("X-Gw-Key", secret).context()).permitted());
        assertTrue(p.check(request().query("gwkey=" + q(secret)).context()).permitted());
    }

    @Test
    void factoryValidation() {
        assertEquals(List.of(new FieldError("policies[0].header", "must be an HTTP header name")),
                problems(factory, "{'header': 'X API Key'}"));
        assertEquals(List.of(new FieldError("policies[0].source", "unknown field")),
                problems(factory, "{'source': 'header'}"));
        assertEquals(List.of(new FieldError("policies[0].queryParameter", "must be a string")),
                problems(factory, "{'queryParameter': 1}"));
    }
}
