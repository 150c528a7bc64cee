package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.JwtTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Revocations;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JwtPolicyFactoryTest {
    private static final String FILE = "{\"jwksFile\": \"/etc/gw/jwks.json\"";
    private static final String SECRET = "factory-test-secret-0123456789abcdef";

    private static String problemsOf(Map<String, String> defaults, String entry) {
        return problems(defaults, entry).stream().map(e -> e.field() + ": " + e.message())
                .collect(Collectors.joining("\n"));
    }

    private static void assertProblem(Map<String, String> defaults, String entry, String field, String fragment) {
        List<FieldError> errors = problems(defaults, entry);
        assertTrue(errors.stream().anyMatch(e -> e.field().equals("jwt." + field) && e.message().contains(fragment)),
                () -> "expected " + field + " ~ '" + fragment + "' in " + errors);
    }

    @Test
    void typeAndOrder() {
        JwtPolicyFactory factory = new JwtPolicyFactory(JwtTestSupport.defaults(Map.of()), Revocations.NONE);
        assertEquals("jwt", factory.type());
        JwtPolicy policy = JwtTestSupport.policy(Map.of(), Revocations.NONE, FILE + "}");
        assertEquals("jwt", policy.type());
        assertEquals(PolicyOrder.JWT, policy.order());
    }

    @Test
    void theFullExampleIsValid() {
        assertEquals("", problemsOf(Map.of(), """
                {"issuer": "https://idp.example.com/", "audience": "chat-api",
                 "jwksUrl": "https://idp.example.com/.well-known/jwks.json",
                 "algorithms": ["RS256", "ES256"], "clockSkewSeconds": 30,
                 "requiredScopes": ["chat:read"], "requiredRoles": ["member"], "rolesClaim": "roles",
                 "tokenSources": ["header", "query", "subprotocol"], "queryParameter": "access_token",
                 "enforceExpiry": true}"""));
    }

    @Test
    void aKeySourceIsRequired() {
        assertProblem(Map.of(), "{}", "jwksUrl", "no key source");
        assertEquals("", problemsOf(Map.of("gateway.jwt.jwks-url", "https://idp/jwks"), "{}"));
        assertEquals("", problemsOf(Map.of("gateway.jwt.jwks-file", "/etc/jwks.json"), "{}"));
        assertEquals("", problemsOf(Map.of("gateway.jwt.hmac-secret", SECRET), "{}"));
    }

    @Test
    void notBothUrlAndFile() {
        assertProblem(Map.of(), "{\"jwksUrl\": \"https://idp/jwks\", \"jwksFile\": \"/etc/jwks.json\"}", "jwksUrl",
                "not both");
        assertProblem(Map.of("gateway.jwt.jwks-url", "https://idp/jwks", "gateway.jwt.jwks-file", "/etc/jwks.json"),
                "{}", "jwksUrl", "both set");
        // A route's source replaces both defaults.
        assertEquals("", problemsOf(Map.of("gateway.jwt.jwks-url", "https://idp/jwks",
                "gateway.jwt.jwks-file", "/etc/jwks.json"), FILE + "}"));
    }

    @Test
    void theUrlMustBeHttpOrHttps() {
        for (String url : List.of("ftp://idp/jwks", "file:///etc/jwks.json", "not a url", "https:///nohost")) {
            assertProblem(Map.of(), "{\"jwksUrl\": \"" + url + "\"}", "jwksUrl", "http or https");
        }
        assertProblem(Map.of("gateway.jwt.jwks-url", "ldap://idp"), "{}", "jwksUrl", "gateway.jwt.jwks-url");
        assertProblem(Map.of(), "{\"jwksFile\": \"relative/jwks.json\"}", "jwksFile", "absolute");
    }

    @Test
    void algorithms() {
        assertProblem(Map.of(), FILE + ", \"algorithms\": [\"RS512\"]}", "algorithms", "'RS512' is not supported");
        assertProblem(Map.of(), FILE + ", \"algorithms\": [\"none\"]}", "algorithms", "'none' is not supported");
        assertProblem(Map.of(), FILE + ", \"algorithms\": []}", "algorithms", "at least one");
        assertProblem(Map.of(), FILE + ", \"algorithms\": [\"HS256\"]}", "algorithms", "gateway.jwt.hmac-secret");
        assertProblem(Map.of("gateway.jwt.hmac-secret", SECRET), "{\"algorithms\": [\"RS256\"]}", "algorithms",
                "need jwksUrl or jwksFile");
    }

    @Test
    void aShortSecretIsRefusedWithoutShowingIt() {
        String shortSecret = "too-short-secret";
        String problems = problemsOf(Map.of("gateway.jwt.hmac-secret", shortSecret), "{}");
        assertTrue(problems.contains("at least 32 bytes"), problems);
        assertFalse(problems.contains(shortSecret), problems);
        // Not used, not checked.
        assertEquals("", problemsOf(Map.of("gateway.jwt.hmac-secret", shortSecret), FILE + ", \"algorithms\": [\"RS256\"]}"));
    }

    @Test
    void theSecretIsNotARouteField() {
        assertProblem(Map.of(), FILE + ", \"hmacSecret\": \"" + SECRET + "\"}", "hmacSecret", "unknown field");
    }

    @Test
    void clockSkew() {
        assertProblem(Map.of(), FILE + ", \"clockSkewSeconds\": 601}", "clockSkewSeconds", "between 0 and 600");
        assertProblem(Map.of(), FILE + ", \"clockSkewSeconds\": -1}", "clockSkewSeconds", "between 0 and 600");
        assertEquals("", problemsOf(Map.of(), FILE + ", \"clockSkewSeconds\": 0}"));
        assertProblem(Map.of("gateway.jwt.clock-skew-seconds", "soon"), FILE + "}", "clockSkewSeconds",
                "must be an integer");
        assertProblem(Map.of("gateway.jwt.clock-skew-seconds", "9999"), FILE + "}", "clockSkewSeconds",
                "between 0 and 600");
        assertEquals(45, JwtTestSupport.policy(Map.of("gateway.jwt.clock-skew-seconds", "45"), Revocations.NONE,
                FILE + "}").describe().getInt("clockSkewSeconds"));
    }

    @Test
    void tokenSources() {
        assertProblem(Map.of(), FILE + ", \"tokenSources\": [\"cookie\"]}", "tokenSources", "'cookie'");
        assertProblem(Map.of(), FILE + ", \"tokenSources\": []}", "tokenSources", "at least one");
        assertProblem(Map.of(), FILE + ", \"queryParameter\": \"a&b\"}", "queryParameter", "plain parameter name");
    }

    @Test
    void scopesAndRoles() {
        assertProblem(Map.of(), FILE + ", \"requiredScopes\": [\"chat read\"]}", "requiredScopes", "scope token");
        assertProblem(Map.of(), FILE + ", \"requiredScopes\": [\"a\\\"b\"]}", "requiredScopes", "scope token");
        assertProblem(Map.of(), FILE + ", \"requiredRoles\": [\"a b\"]}", "requiredRoles", "whitespace");
        assertProblem(Map.of(), FILE + ", \"rolesClaim\": \"\"}", "rolesClaim", "blank");
    }

    @Test
    void unknownFieldsAndWrongTypes() {
        assertProblem(Map.of(), FILE + ", \"issuers\": \"x\"}", "issuers", "unknown field");
        assertProblem(Map.of(), FILE + ", \"enforceExpiry\": \"yes\"}", "enforceExpiry", "true or false");
        assertProblem(Map.of(), FILE + ", \"issuer\": 5}", "issuer", "string");
    }
}
