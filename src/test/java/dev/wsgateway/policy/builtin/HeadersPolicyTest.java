package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.assertRejected;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.defaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.json;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.noDefaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.policy;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.problems;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Cidr;
import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.handshake.HandshakeContext;
import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HeadersPolicyTest {
    private static final String CRLF = "A value of header %s for the backend contains a line break.";
    private final HeadersPolicy.Factory factory = new HeadersPolicy.Factory(noDefaults(), new ClientAddresses(List.of()));
    private final HeadersPolicy.Factory behindProxy = new HeadersPolicy.Factory(noDefaults(),
            new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8"))));

    /** Runs the policy; the backend's headers with case-insensitive names. */
    private static Map<String, List<String>> backend(HandshakePolicy policy, HandshakeContext context) {
        HandshakeDecision decision = policy.check(context);
        assertTrue(decision.permitted(), () -> "refused: " + decision);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        context.backendHeaders().forEach((name, values) -> {
            List<String> before = headers.put(name, values);
            assertNull(before, "header " + name + " twice in different cases");
        });
        return headers;
    }

    private static PolicyTestSupport.Request websocketRequest() {
        return request().header("Host", "gw.example.com").header("Connection", "Upgrade")
                .header("Upgrade", "websocket").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Extensions", "permessage-deflate")
                .header("Sec-WebSocket-Protocol", "chat");
    }

    @Test
    void typeOrderAndDescription() {
        HandshakePolicy policy = policy(factory, "{}");
        assertEquals("headers", policy.type());
        assertEquals(PolicyOrder.HEADERS, policy.order());
        assertEquals(json("{'forwardClientHeaders': true, 'forwardCredentials': false, "
                + "'principalHeader': 'X-Forwarded-User', 'add': {}}"), policy.describe());
    }

    @Test
    void forwardsEndToEndHeadersOnly() {
        HandshakeContext context = websocketRequest().header("Keep-Alive", "timeout=5").header("TE", "trailers")
                .header("Proxy-Authorization", "Basic eA==").header("Transfer-Encoding", "chunked")
                .header("Content-Length", "0").header("Forwarded", "for=1.2.3.4")
                .header("Sec-WebSocket-Accept", "x").header("Cookie", "session=1").header("User-Agent", "test")
                .header("X-App", "a", "b").context();
        Map<String, List<String>> headers = backend(policy(factory, "{}"), context);
        assertEquals(Set.of("cookie", "user-agent", "x-app", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"),
                lower(headers.keySet()));
        assertEquals(List.of("session=1"), headers.get("Cookie"));
        assertEquals(List.of("a", "b"), headers.get("X-App"));
    }

    private static Set<String> lower(Set<String> names) {
        return names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void headersNamedInConnectionAreNotForwarded() {
        HandshakeContext context = websocketRequest().header("Connection", "keep-alive, X-Hop ,x-other-hop")
                .header("X-Hop", "1").header("X-Other-Hop", "2").header("X-End", "3").context();
        Map<String, List<String>> headers = backend(policy(factory, "{}"), context);
        assertNull(headers.get("X-Hop"));
        assertNull(headers.get("X-Other-Hop"));
        assertEquals(List.of("3"), headers.get("X-End"));
    }

    @Test
    void untrustedPeerForwardedHeadersAreReplaced() {
        HandshakeContext context = websocketRequest().remote("198.51.100.7").header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "evil.example").context();
        Map<String, List<String>> headers = backend(policy(factory, "{}"), context);
        assertEquals(List.of("198.51.100.7"), headers.get("X-Forwarded-For"));
        assertEquals(List.of("http"), headers.get("X-Forwarded-Proto"));
        assertEquals(List.of("gw.example.com"), headers.get("X-Forwarded-Host"));
    }

    @Test
    void tlsIsHttps() {
        Map<String, List<String>> headers = backend(policy(factory, "{}"), websocketRequest().secure().context());
        assertEquals(List.of("https"), headers.get("X-Forwarded-Proto"));
    }

    @Test
    void trustedPeerChainIsExtendedAndItsProtoAndHostKept() {
        HandshakeContext context = websocketRequest().remote("10.0.0.2").client("203.0.113.9")
                .header("X-Forwarded-For", "203.0.113.9", "10.0.0.5").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "public.example.com").context();
        Map<String, List<String>> headers = backend(policy(behindProxy, "{}"), context);
        assertEquals(List.of("203.0.113.9, 10.0.0.5, 10.0.0.2"), headers.get("X-Forwarded-For"));
        assertEquals(List.of("https"), headers.get("X-Forwarded-Proto"));
        assertEquals(List.of("public.example.com"), headers.get("X-Forwarded-Host"));

        HandshakeContext bare = websocketRequest().remote("10.0.0.2").context();
        Map<String, List<String>> plain = backend(policy(behindProxy, "{}"), bare);
        assertEquals(List.of("10.0.0.2"), plain.get("X-Forwarded-For"));
        assertEquals(List.of("http"), plain.get("X-Forwarded-Proto"));
        assertEquals(List.of("gw.example.com"), plain.get("X-Forwarded-Host"));
    }

    @Test
    void principalHeaderComesFromTheCredentialsAndNeverFromTheClient() {
        HandshakeContext anonymous = websocketRequest().header("X-Forwarded-User", "admin").context();
        assertNull(backend(policy(factory, "{}"), anonymous).get("X-Forwarded-User"));

        HandshakeContext alice = websocketRequest().header("x-forwarded-user", "admin").context();
        alice.authenticated("basic", "alice", "alice");
        assertEquals(List.of("alice"), backend(policy(factory, "{}"), alice).get("X-Forwarded-User"));

        HandshakeContext own = websocketRequest().header("X-User", "admin").context();
        own.authenticated("basic", "alice", "alice");
        Map<String, List<String>> headers = backend(policy(factory, "{'principalHeader': 'X-User'}"), own);
        assertEquals(List.of("alice"), headers.get("X-User"));
        assertNull(headers.get("X-Forwarded-User"));
    }

    @Test
    void anEmptyPrincipalHeaderDisablesIt() {
        HandshakeContext context = websocketRequest().header("X-Forwarded-User", "client-said").context();
        context.authenticated("basic", "alice", "alice");
        HandshakePolicy policy = policy(factory, "{'principalHeader': ''}");
        assertEquals(json("{'forwardClientHeaders': true, 'forwardCredentials': false, 'principalHeader': null, "
                + "'add': {}}"), policy.describe());
        Map<String, List<String>> headers = backend(policy, context);
        assertEquals(List.of("client-said"), headers.get("X-Forwarded-User"), "an ordinary client header then");
        assertTrue(headers.values().stream().noneMatch(v -> v.contains("alice")));
    }

    @Test
    void theSettingNoneDisablesThePrincipalHeader() {
        HeadersPolicy.Factory configured = new HeadersPolicy.Factory(
                defaults(Map.of("gateway.forward.principal-header", "none")), new ClientAddresses(List.of()));
        HandshakeContext context = websocketRequest().context();
        context.authenticated("basic", "alice", "alice");
        Map<String, List<String>> headers = backend(policy(configured, "{}"), context);
        assertTrue(headers.values().stream().noneMatch(v -> v.contains("alice")), headers.toString());
    }

    @Test
    void principalHeaderDefaultComesFromGatewaySettings() {
        HeadersPolicy.Factory configured = new HeadersPolicy.Factory(
                defaults(Map.of("gateway.forward.principal-header", "X-Gw-User")), new ClientAddresses(List.of()));
        HandshakeContext context = websocketRequest().header("X-Gw-User", "admin").context();
        context.authenticated("basic", "alice", "alice");
        Map<String, List<String>> headers = backend(policy(configured, "{}"), context);
        assertEquals(List.of("alice"), headers.get("X-Gw-User"));
        assertNull(headers.get("X-Forwarded-User"));
    }

    @Test
    void credentialsAreStrippedUnlessForwarded() {
        HandshakeContext context = websocketRequest().header("Authorization", "Basic YTpi").header("X-API-Key", "k")
                .header("X-Other", "o").query("room=1&api_key=k&access_token=t&x=%41").context();
        context.credentialHeader("Authorization");
        context.credentialHeader("X-API-Key");
        context.credentialQueryParameter("api_key");
        context.credentialQueryParameter("access_token");
        Map<String, List<String>> headers = backend(policy(factory, "{}"), context);
        assertNull(headers.get("Authorization"));
        assertNull(headers.get("X-API-Key"));
        assertEquals(List.of("o"), headers.get("X-Other"));
        assertEquals("room=1&x=%41", context.backendQuery());

        HandshakeContext forwarded = websocketRequest().header("Authorization", "Basic YTpi")
                .query("room=1&api_key=k").context();
        forwarded.credentialHeader("Authorization");
        forwarded.credentialQueryParameter("api_key");
        Map<String, List<String>> kept = backend(policy(factory, "{'forwardCredentials': true}"), forwarded);
        assertEquals(List.of("Basic YTpi"), kept.get("Authorization"));
        assertEquals("room=1&api_key=k", forwarded.backendQuery());
    }

    @Test
    void aQueryOfOnlyCredentialsBecomesNone() {
        HandshakeContext context = websocketRequest().query("api_key=k").context();
        context.credentialQueryParameter("api_key");
        backend(policy(factory, "{}"), context);
        assertNull(context.backendQuery());
    }

    @Test
    void withoutKeepsOtherParametersByteForByte() {
        Set<String> key = Set.of("api_key");
        assertEquals("a=1&b=%20x+y&c", HeadersPolicy.without("a=1&api_key=s&b=%20x+y&api%5Fkey=t&c", key));
        assertEquals("a=1&&b=%zz", HeadersPolicy.without("a=1&&api_key&b=%zz", key));
        assertEquals("a=%E2%82%AC&b", HeadersPolicy.without("api_key=1&a=%E2%82%AC&b&api_key=2", key));
        assertEquals("api_keys=1&xapi_key=2", HeadersPolicy.without("api_keys=1&xapi_key=2", key));
        assertEquals("%zz=1", HeadersPolicy.without("%zz=1", key), "an undecodable name is kept as is");
        assertEquals("ab=3", HeadersPolicy.without("a%20b=1&a+b=2&ab=3", Set.of("a b")), "names compare decoded");
        assertNull(HeadersPolicy.without("api_key=1", key));
        assertNull(HeadersPolicy.without("api_key=1&api%5fkey=2", key));
        assertNull(HeadersPolicy.without(null, key));
        assertEquals("a=1", HeadersPolicy.without("a=1", Set.of()));
    }

    @Test
    void addedHeadersReplaceTheClients() {
        HandshakeContext context = websocketRequest().header("x-tenant", "red").context();
        Map<String, List<String>> headers = backend(policy(factory, "{'add': {'X-Tenant': 'blue', 'X-Gw': '1'}}"),
                context);
        assertEquals(List.of("blue"), headers.get("X-Tenant"));
        assertEquals(List.of("1"), headers.get("X-Gw"));
    }

    @Test
    void clientHeadersCanBeLeftOut() {
        HandshakeContext context = websocketRequest().header("Cookie", "c").context();
        context.authenticated("basic", "alice", "alice");
        Map<String, List<String>> headers = backend(policy(factory, "{'forwardClientHeaders': false, 'add': {'X-A': 'a'}}"),
                context);
        assertEquals(Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-user", "x-a"),
                lower(headers.keySet()));

        HeadersPolicy.Factory configured = new HeadersPolicy.Factory(
                defaults(Map.of("gateway.forward.client-headers", "false")), new ClientAddresses(List.of()));
        assertNull(backend(policy(configured, "{}"), websocketRequest().header("Cookie", "c").context()).get("Cookie"));
        assertEquals(List.of("c"), backend(policy(configured, "{'forwardClientHeaders': true}"),
                websocketRequest().header("Cookie", "c").context()).get("Cookie"));
    }

    @Test
    void lineBreaksOrNulInAValueForTheBackendAre400() {
        HandshakePolicy policy = policy(factory, "{}");
        for (String bad : List.of("a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b")) {
            HandshakeContext context = websocketRequest().header("X-App", "ok", bad).context();
            assertRejected(policy.check(context), 400, String.format(CRLF, "X-App"));
            assertEquals(Map.of(), context.backendHeaders(), "nothing set");
        }
        HandshakeContext principal = websocketRequest().context();
        principal.authenticated("jwt", "alice\r\nX-Admin: true", "alice");
        assertRejected(policy.check(principal), 400, String.format(CRLF, "X-Forwarded-User"));

        HandshakeContext host = request().header("Host", "a\nb").context();
        assertRejected(policy.check(host), 400, String.format(CRLF, "X-Forwarded-Host"));

        HandshakeContext dropped = websocketRequest().header("Sec-WebSocket-Protocol", "a\nb").context();
        assertTrue(policy.check(dropped).permitted(), "a header that is not forwarded does not matter");
    }

    @Test
    void factoryRefusesHeadersTheGatewayMayNotSet() {
        for (String name : List.of("Host", "host", "Sec-WebSocket-Key", "sec-websocket-version", "Sec-WebSocket-Anything",
                "Connection", "Upgrade", "X-Forwarded-For", "Transfer-Encoding", "X Bad", "X:Bad", "Ä")) {
            assertEquals(List.of(new FieldError("policies[0].add",
                            "'" + name + "' is not an HTTP header name the gateway may set")),
                    problems(factory, "{'add': {'" + name + "': 'v'}}"), name);
        }
        for (String name : List.of("Host", "Sec-WebSocket-Key", "X Bad", "X-Forwarded-Proto")) {
            assertEquals(List.of(new FieldError("policies[0].principalHeader",
                    "must be an HTTP header name the gateway may set")),
                    problems(factory, "{'principalHeader': '" + name + "'}"), name);
        }
    }

    @Test
    void factoryRefusesBadValuesAndFields() {
        assertEquals(List.of(new FieldError("policies[0].add", "the value of X-A must not contain CR, LF or NUL")),
                problems(factory, "{'add': {'X-A': 'a\\r\\nb'}}"));
        assertEquals(List.of(new FieldError("policies[0].add", "the value of X-A must not contain CR, LF or NUL")),
                problems(factory, "{'add': {'X-A': 'a\\u0000b'}}"));
        assertEquals(List.of(new FieldError("policies[0].add", "the value of X-A must be a string")),
                problems(factory, "{'add': {'X-A': 1}}"));
        assertEquals(List.of(new FieldError("policies[0].add", "must be an object")),
                problems(factory, "{'add': ['X-A']}"));
        assertEquals(List.of(new FieldError("policies[0].strip", "unknown field")),
                problems(factory, "{'strip': true}"));
        assertEquals(List.of(new FieldError("policies[0].forwardCredentials", "must be true or false")),
                problems(factory, "{'forwardCredentials': 'yes'}"));
        assertEquals(List.of(), problems(factory, "{'add': {'X-Tenant': 'blue'}, 'principalHeader': 'X-User'}"));
    }
}
