package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.assertRejected;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.defaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.json;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.noDefaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.policy;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.problems;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {
    private static final String DENIED = "This origin is not allowed to open WebSocket connections here.";
    private static final String MISSING = "This route only accepts requests that carry an Origin header.";
    private final OriginPolicyFactory factory = new OriginPolicyFactory(noDefaults());

    private static HandshakeDecision from(HandshakePolicy policy, String origin) {
        return policy.check(request().header("Origin", origin).context());
    }

    private HandshakePolicy allowing(String... origins) {
        return policy(factory, "{'allow': " + jakarta.json.Json.createArrayBuilder(List.of(origins)).build() + "}");
    }

    @Test
    void typeAndOrder() {
        HandshakePolicy policy = allowing("https://app.example.com");
        assertEquals("origin", policy.type());
        assertEquals(PolicyOrder.ORIGIN, policy.order());
    }

    @Test
    void exactOrigin() {
        HandshakePolicy policy = allowing("https://app.example.com");
        assertTrue(from(policy, "https://app.example.com").permitted());
        assertRejected(from(policy, "https://evil.example.com"), 403, DENIED);
        assertRejected(from(policy, "https://app.example.com.evil.net"), 403, DENIED);
        assertRejected(from(policy, "null"), 403, DENIED);
    }

    @Test
    void otherSchemeOrPortIsAnotherOrigin() {
        HandshakePolicy policy = allowing("https://app.example.com");
        assertRejected(from(policy, "http://app.example.com"), 403, DENIED);
        assertRejected(from(policy, "https://app.example.com:8443"), 403, DENIED);

        HandshakePolicy withPort = allowing("https://app.example.com:8443");
        assertTrue(from(withPort, "https://app.example.com:8443").permitted());
        assertRejected(from(withPort, "https://app.example.com"), 403, DENIED);
    }

    @Test
    void wildcardMatchesSubdomainsOfAnyDepthButNotTheBareDomain() {
        HandshakePolicy policy = allowing("https://*.example.com");
        assertTrue(from(policy, "https://a.example.com").permitted());
        assertTrue(from(policy, "https://a.b.c.example.com").permitted());
        assertTrue(from(policy, "https://x-1.example.com").permitted());
        assertRejected(from(policy, "https://example.com"), 403, DENIED);
        assertRejected(from(policy, "https://.example.com"), 403, DENIED);
        assertRejected(from(policy, "https://evilexample.com"), 403, DENIED);
        assertRejected(from(policy, "https://a.example.com.evil.net"), 403, DENIED);
        assertRejected(from(policy, "http://a.example.com"), 403, DENIED);
        assertRejected(from(policy, "https://a.example.com:8443"), 403, DENIED);
        assertRejected(from(policy, "https://user@a.example.com"), 403, DENIED);
    }

    @Test
    void wildcardWithPort() {
        HandshakePolicy policy = allowing("https://*.example.com:8443");
        assertTrue(from(policy, "https://a.example.com:8443").permitted());
        assertRejected(from(policy, "https://a.example.com"), 403, DENIED);
    }

    @Test
    void matchingIgnoresCase() {
        HandshakePolicy policy = allowing("HTTPS://App.Example.COM", "https://*.Example.org");
        assertTrue(from(policy, "https://app.example.com").permitted());
        assertTrue(from(policy, "https://APP.EXAMPLE.COM").permitted());
        assertTrue(from(policy, "HTTPS://Sub.EXAMPLE.org").permitted());
    }

    @Test
    void missingOriginFollowsAllowMissing() {
        HandshakePolicy lenient = policy(factory, "{'allow': ['https://app.example.com'], 'allowMissing': true}");
        assertTrue(lenient.check(request().context()).permitted());

        HandshakePolicy strict = policy(factory, "{'allow': ['https://app.example.com'], 'allowMissing': false}");
        assertRejected(strict.check(request().context()), 403, MISSING);
        assertTrue(strict.check(request().header("origin", "https://app.example.com").context()).permitted(),
                "header names in any case");

        HandshakePolicy byDefault = policy(factory, "{'allow': ['https://app.example.com']}");
        assertTrue(byDefault.check(request().context()).permitted(), "allowMissing defaults to true");
    }

    @Test
    void defaultsComeFromGatewaySettings() {
        OriginPolicyFactory configured = new OriginPolicyFactory(defaults(Map.of(
                "gateway.origin.allow", " https://a.example.com , https://*.example.net ",
                "gateway.origin.allow-missing", "false")));
        HandshakePolicy policy = policy(configured, "{}");
        assertTrue(from(policy, "https://a.example.com").permitted());
        assertTrue(from(policy, "https://x.example.net").permitted());
        assertRejected(policy.check(request().context()), 403, MISSING);
        assertEquals(json("{'allow': ['https://a.example.com', 'https://*.example.net'], 'allowMissing': false}"),
                policy.describe());

        HandshakePolicy overridden = policy(configured, "{'allow': ['https://b.example.com'], 'allowMissing': true}");
        assertRejected(from(overridden, "https://a.example.com"), 403, DENIED);
        assertTrue(overridden.check(request().context()).permitted());
    }

    @Test
    void invalidGatewayDefaultsAreReported() {
        OriginPolicyFactory configured = new OriginPolicyFactory(defaults(Map.of("gateway.origin.allow", "https://a.example.com/app")));
        assertEquals(List.of("policies[0].allow"), problems(configured, "{}").stream().map(FieldError::field).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com/", "https://app.example.com/path", "https://app.example.com?x=1",
            "https://user@app.example.com", "app.example.com", "https://", "https://app.example.com#f"})
    void rejectsWhatIsNotAnOrigin(String entry) {
        List<FieldError> errors = problems(factory, "{'allow': ['" + entry + "']}");
        assertEquals(List.of(new FieldError("policies[0].allow",
                "'" + entry + "' is not an origin (scheme://host[:port], no path)")), errors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.example.com", "https://app.*.example.com", "https://*example.com", "https://*",
            "*", "https://*.*.example.com", "https://example.*"})
    void rejectsAWildcardAnywhereButTheFirstLabel(String entry) {
        List<FieldError> errors = problems(factory, "{'allow': ['" + entry + "']}");
        assertEquals(List.of(new FieldError("policies[0].allow",
                "'" + entry + "': a wildcard is only allowed as the first host label (https://*.example.com)")), errors);
    }

    @Test
    void rejectsUnknownFieldsAndWrongTypes() {
        assertEquals(List.of(new FieldError("policies[0].allowed", "unknown field")),
                problems(factory, "{'allow': ['https://a.example.com'], 'allowed': []}"));
        assertEquals(List.of(new FieldError("policies[0].allowMissing", "must be true or false")),
                problems(factory, "{'allow': ['https://a.example.com'], 'allowMissing': 'no'}"));
        assertEquals(List.of(new FieldError("policies[0].allow", "must be an array of strings")),
                problems(factory, "{'allow': 'https://a.example.com'}"));
    }
}
