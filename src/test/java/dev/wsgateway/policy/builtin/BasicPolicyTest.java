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

import dev.wsgateway.identity.BasicUserStore;
import dev.wsgateway.identity.Revocation;
import dev.wsgateway.identity.RevocationStore;
import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicPolicyTest {
    private static final String CHALLENGE = "Basic realm=\"ws-gateway\", charset=\"UTF-8\"";
    private static final String REQUIRED = "Basic credentials are required.";
    private static final String MALFORMED = "The Basic credentials are malformed.";
    private static final String WRONG = "The user name or password is wrong.";
    private static final String NOT_HERE = "This user is not allowed on this route.";

    @TempDir
    Path dir;

    private BasicUserStore users;
    private RevocationStore revocations;
    private BasicPolicy.Factory factory;
    private HandshakePolicy policy;

    @BeforeEach
    void setUp() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        users = new BasicUserStore(dir, clock);
        users.load();
        revocations = new RevocationStore(dir, clock);
        revocations.load();
        factory = new BasicPolicy.Factory(noDefaults(), users, revocations);
        policy = policy(factory, "{}");
        users.put("alice", "wonderland".toCharArray(), List.of());
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertUnauthorized(HandshakeDecision decision, String detail, String challenge) {
        assertRejected(decision, 401, detail);
        assertEquals(Map.of("WWW-Authenticate", challenge), decision.headers());
    }

    private HandshakeDecision as(HandshakePolicy p, String authorization) {
        return p.check(request().header("Authorization", authorization).context());
    }

    @Test
    void typeOrderAndDescription() {
        assertEquals("basic", policy.type());
        assertEquals(PolicyOrder.BASIC, policy.order());
        assertEquals(json("{'realm': 'ws-gateway', 'users': []}"), policy.describe());
    }

    @Test
    void rightPasswordAuthenticates() {
        HandshakeContext context = request().header("authorization", basic("alice:wonderland")).context();
        assertTrue(policy.check(context).permitted());
        Credentials c = context.credentials();
        assertEquals("basic", c.method());
        assertEquals("alice", c.principal());
        assertEquals("alice", c.subject());
        assertEquals(null, c.apiKeyId());
        assertEquals(Set.of("authorization"), context.credentialHeaders());
    }

    @Test
    void schemeIsCaseInsensitiveAndPasswordsMayHoldColonsAndUtf8() throws IOException {
        users.put("jörg", "pa:ss wört".toCharArray(), List.of());
        HandshakeContext context = request().header("Authorization",
                "bAsIc " + basic("jörg:pa:ss wört").substring(6)).context();
        assertTrue(policy.check(context).permitted());
        assertEquals("jörg", context.credentials().principal());
    }

    @Test
    void missingCredentialsAre401WithTheChallenge() {
        assertUnauthorized(policy.check(request().context()), REQUIRED, CHALLENGE);
        HandshakeContext bearer = request().header("Authorization", "Bearer abc").context();
        assertUnauthorized(policy.check(bearer), REQUIRED, CHALLENGE);
        assertEquals(Set.of(), bearer.credentialHeaders(), "another scheme's header is not ours to drop");
    }

    @Test
    void malformedCredentialsAre401() {
        assertUnauthorized(as(policy, "Basic !!!not base64"), MALFORMED, CHALLENGE);
        assertUnauthorized(as(policy, basic("alice")), MALFORMED, CHALLENGE);
        assertUnauthorized(as(policy, basic(":wonderland")), MALFORMED, CHALLENGE);
        HandshakeContext context = request().header("Authorization", "Basic ***").context();
        policy.check(context);
        assertEquals(Set.of("authorization"), context.credentialHeaders());
    }

    @Test
    void wrongUserOrPasswordIs401() {
        assertUnauthorized(as(policy, basic("alice:Wonderland")), WRONG, CHALLENGE);
        assertUnauthorized(as(policy, basic("alice:")), WRONG, CHALLENGE);
        assertUnauthorized(as(policy, basic("mallory:wonderland")), WRONG, CHALLENGE);
        HandshakeContext context = request().header("Authorization", basic("alice:nope")).context();
        policy.check(context);
        assertEquals(Credentials.ANONYMOUS, context.credentials());
    }

    @Test
    void realmFromSettingsAndDefaults() {
        HandshakePolicy chat = policy(factory, "{'realm': 'chat room'}");
        assertUnauthorized(chat.check(request().context()), REQUIRED, "Basic realm=\"chat room\", charset=\"UTF-8\"");

        HandshakePolicy configured = policy(new BasicPolicy.Factory(defaults(Map.of("gateway.basic.realm", "corp")),
                users, revocations), "{}");
        assertUnauthorized(configured.check(request().context()), REQUIRED, "Basic realm=\"corp\", charset=\"UTF-8\"");
    }

    @Test
    void aUserLimitedToOtherRoutesIs403() throws IOException {
        users.put("bob", "builder".toCharArray(), List.of("news"));
        assertTrue(policy.check(request().route(route("news")).header("Authorization", basic("bob:builder")).context())
                .permitted());
        HandshakeContext context = request().route(route("chat")).header("Authorization", basic("bob:builder")).context();
        HandshakeDecision decision = policy.check(context);
        assertRejected(decision, 403, NOT_HERE);
        assertEquals(Map.of(), decision.headers());
        assertEquals(Credentials.ANONYMOUS, context.credentials());
    }

    @Test
    void aUserNotInTheRoutesUsersListIs403() throws IOException {
        users.put("bob", "builder".toCharArray(), List.of());
        HandshakePolicy onlyBob = policy(factory, "{'users': ['bob']}");
        assertTrue(as(onlyBob, basic("bob:builder")).permitted());
        assertRejected(as(onlyBob, basic("alice:wonderland")), 403, NOT_HERE);
        assertUnauthorized(as(onlyBob, basic("alice:wrong")), WRONG, CHALLENGE);
    }

    @Test
    void aRevokedSubjectIs401() throws IOException {
        assertTrue(as(policy, basic("alice:wonderland")).permitted());
        Revocation r = revocations.revoke(Revocation.Kind.SUBJECT, "alice", null, null);
        assertUnauthorized(as(policy, basic("alice:wonderland")), "The user's credentials have been revoked.", CHALLENGE);
        revocations.lift(r.id());
        assertTrue(as(policy, basic("alice:wonderland")).permitted());
    }

    @Test
    void aChangedPasswordRefusesTheOldOne() throws IOException {
        assertTrue(as(policy, basic("alice:wonderland")).permitted());
        assertTrue(as(policy, basic("alice:wonderland")).permitted());
        users.put("alice", "looking-glass".toCharArray(), List.of());
        assertUnauthorized(as(policy, basic("alice:wonderland")), WRONG, CHALLENGE);
        assertTrue(as(policy, basic("alice:looking-glass")).permitted());
    }

    @Test
    void theFileHoldsNoPasswordAndUsersSurviveAReload() throws IOException {
        String stored = Files.readString(dir.resolve("basic-users.json"));
        assertTrue(stored.contains("alice"));
        assertTrue(!stored.contains("wonderland"), stored);

        BasicUserStore reloaded = new BasicUserStore(dir, Clock.systemUTC());
        reloaded.load();
        HandshakePolicy fresh = policy(new BasicPolicy.Factory(noDefaults(), reloaded, revocations), "{}");
        assertTrue(as(fresh, basic("alice:wonderland")).permitted());
        assertUnauthorized(as(fresh, basic("alice:wonder")), WRONG, CHALLENGE);
    }

    @Test
    void factoryValidation() {
        assertEquals(List.of(new FieldError("policies[0].realm", "must be printable ASCII without quotes or backslashes")),
                problems(factory, "{'realm': 'a\\u0022b'}"));
        assertEquals(List.of(new FieldError("policies[0].realm", "must be printable ASCII without quotes or backslashes")),
                problems(factory, "{'realm': 'caf\u00e9'}"));
        assertEquals(List.of(new FieldError("policies[0].realm", "must be printable ASCII without quotes or backslashes")),
                problems(factory, "{'realm': 'a\\\\b'}"));
        assertEquals(List.of(new FieldError("policies[0].users", "must be an array of strings")),
                problems(factory, "{'users': 'alice'}"));
        assertEquals(List.of(new FieldError("policies[0].password", "unknown field")),
                problems(factory, "{'password': 'x'}"));
    }
}
