package dev.wsgateway.policy.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.ClientAddresses;
import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.HeadersPolicy;
import dev.wsgateway.policy.builtin.IpPolicy;
import dev.wsgateway.policy.builtin.OriginPolicyFactory;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyCatalogTest {
    private static final GatewayDefaults NO_DEFAULTS = key -> Optional.empty();
    private final AtomicInteger fakesBuilt = new AtomicInteger();

    /** A policy type of our own: {"type": "fake", "mark": "..."}; "mark" is required, order 150. */
    private final PolicyFactory fake = new PolicyFactory() {
        @Override
        public String type() {
            return "fake";
        }

        @Override
        public HandshakePolicy create(JsonFields settings) {
            settings.rejectUnknown(Set.of("mark"));
            String mark = settings.string("mark", true);
            fakesBuilt.incrementAndGet();
            return new HandshakePolicy() {
                @Override
                public String type() {
                    return "fake";
                }

                @Override
                public int order() {
                    return 150;
                }

                @Override
                public HandshakeDecision check(HandshakeContext context) {
                    return HandshakeDecision.reject(418, mark);
                }

                @Override
                public JsonObject describe() {
                    return Json.createObjectBuilder().add("mark", String.valueOf(mark)).build();
                }
            };
        }
    };

    private List<PolicyFactory> factories() {
        return List.of(new IpPolicy.Factory(NO_DEFAULTS), new OriginPolicyFactory(NO_DEFAULTS), fake,
                new HeadersPolicy.Factory(NO_DEFAULTS, new ClientAddresses(List.of())));
    }

    private PolicyCatalog catalog(String... global) {
        return new PolicyCatalog(factories(), entries(global));
    }

    private static List<JsonObject> entries(String... singleQuoted) {
        return java.util.Arrays.stream(singleQuoted).map(PolicyCatalogTest::json).toList();
    }

    private static JsonObject json(String singleQuoted) {
        try (var reader = Json.createReader(new StringReader(singleQuoted.replace('\'', '"')))) {
            return reader.readObject();
        }
    }

    private static Route route(String id, long version, String... policies) {
        return new Route(id, "/" + id, URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60, 1024, 30, true,
                entries(policies), version);
    }

    private static List<String> types(PolicyChain chain) {
        return chain.policies().stream().map(HandshakePolicy::type).toList();
    }

    private static JsonObject settings(PolicyChain chain, String type) {
        return chain.policies().stream().filter(p -> p.type().equals(type)).findFirst().orElseThrow().describe();
    }

    @Test
    void knowsItsTypes() {
        assertEquals(Set.of("ip", "origin", "fake", "headers"), catalog().types());
    }

    @Test
    void validEntriesHaveNoProblems() {
        assertEquals(List.of(), catalog().problems(entries("{'type': 'ip', 'deny': ['10.0.0.0/8']}",
                "{'type': 'fake', 'mark': 'x', 'enabled': true}", "{'type': 'headers'}")));
    }

    @Test
    void unknownOrMissingTypes() {
        String oneOf = "must be one of ip, origin, fake, headers";
        assertEquals(List.of(new FieldError("policies[0].type", oneOf), new FieldError("policies[1].type", oneOf),
                        new FieldError("policies[2].type", oneOf)),
                catalog().problems(entries("{'type': 'jwt'}", "{'mark': 'x'}", "{'type': 1}")));
    }

    @Test
    void aTypeListedTwice() {
        assertEquals(List.of(new FieldError("policies[2].type", "'fake' is listed twice")),
                catalog().problems(entries("{'type': 'fake', 'mark': 'a'}", "{'type': 'headers'}",
                        "{'type': 'fake', 'mark': 'b'}")));
    }

    @Test
    void badSettingsAreReportedWithTheEntrysIndex() {
        assertEquals(List.of(new FieldError("policies[0].enabled", "must be true or false"),
                        new FieldError("policies[1].mark", "is required"),
                        new FieldError("policies[2].deny", "'10.0.0.0/40': the prefix length must be 0-32"),
                        new FieldError("policies[3].colour", "unknown field")),
                catalog().problems(entries("{'type': 'origin', 'enabled': 'no'}", "{'type': 'fake'}",
                        "{'type': 'ip', 'deny': ['10.0.0.0/40', '10.0.0.0/8']}", "{'type': 'headers', 'colour': 'red'}")));
    }

    @Test
    void aDisabledEntryNeedsNoSettings() {
        // the README's example of turning a gateway-wide entry off for one route
        assertEquals(List.of(), catalog().problems(entries("{'type': 'ip', 'enabled': false}",
                "{'type': 'fake', 'enabled': false}")));
    }

    @Test
    void everyChainHasTheHeadersPolicy() {
        PolicyChain chain = catalog().chainFor(route("r", 1));
        assertEquals(List.of("headers"), types(chain));
        assertEquals("X-Forwarded-User", settings(chain, "headers").getString("principalHeader"));

        PolicyChain own = catalog().chainFor(route("r", 1, "{'type': 'headers', 'principalHeader': 'X-User'}"));
        assertEquals(List.of("headers"), types(own));
        assertEquals("X-User", settings(own, "headers").getString("principalHeader"));
    }

    @Test
    void theHeadersPolicyCannotBeTurnedOff() {
        PolicyChain chain = catalog().chainFor(route("r", 1, "{'type': 'headers', 'enabled': false}"));
        assertEquals(List.of("headers"), types(chain), "credentials must still be stripped, CR/LF still refused");
        PolicyChain globallyOff = catalog("{'type': 'headers', 'enabled': false}").chainFor(route("r", 1));
        assertEquals(List.of("headers"), types(globallyOff));
    }

    @Test
    void routeEntriesJoinGlobalOnesInOrder() {
        PolicyCatalog catalog = catalog("{'type': 'ip', 'deny': ['192.0.2.0/24']}");
        PolicyChain chain = catalog.chainFor(route("r", 1, "{'type': 'fake', 'mark': 'm'}"));
        assertEquals(List.of("ip", "fake", "headers"), types(chain));
        assertEquals(json("{'allow': [], 'deny': ['192.0.2.0/24']}"), settings(chain, "ip"));

        HandshakeContext denied = new HandshakeContext(route("r", 1), Map.of(), null, List.of(), "192.0.2.5",
                "192.0.2.5", false, Instant.now());
        assertEquals(403, chain.run(denied).status());
        HandshakeContext other = new HandshakeContext(route("r", 1), Map.of(), null, List.of(), "198.51.100.5",
                "198.51.100.5", false, Instant.now());
        assertEquals(418, chain.run(other).status());
    }

    @Test
    void aRouteEntryReplacesTheGlobalOneOfItsType() {
        PolicyCatalog catalog = catalog("{'type': 'ip', 'deny': ['192.0.2.0/24']}", "{'type': 'fake', 'mark': 'global'}");
        PolicyChain chain = catalog.chainFor(route("r", 1, "{'type': 'ip', 'allow': ['10.0.0.0/8']}",
                "{'type': 'fake', 'mark': 'route'}"));
        assertEquals(List.of("ip", "fake", "headers"), types(chain));
        assertEquals(json("{'allow': ['10.0.0.0/8'], 'deny': []}"), settings(chain, "ip"), "replaced, not merged");
        assertEquals("route", settings(chain, "fake").getString("mark"));
    }

    @Test
    void enabledFalseRemovesAGlobalEntry() {
        PolicyCatalog catalog = catalog("{'type': 'ip', 'deny': ['192.0.2.0/24']}", "{'type': 'fake', 'mark': 'g'}");
        assertEquals(List.of("fake", "headers"),
                types(catalog.chainFor(route("r", 1, "{'type': 'ip', 'enabled': false}"))));
        assertEquals(List.of("ip", "headers"),
                types(catalog.chainFor(route("s", 1, "{'type': 'fake', 'mark': 'x', 'enabled': false}"))));
        assertEquals(List.of("ip", "fake", "headers"),
                types(catalog.chainFor(route("t", 1, "{'type': 'fake', 'mark': 'x', 'enabled': true}"))));
    }

    @Test
    void chainsAreBuiltOncePerRouteVersion() {
        PolicyCatalog catalog = catalog();
        Route v1 = route("r", 1, "{'type': 'fake', 'mark': 'one'}");
        PolicyChain first = catalog.chainFor(v1);
        assertSame(first, catalog.chainFor(v1));
        assertSame(first, catalog.chainFor(route("r", 1, "{'type': 'fake', 'mark': 'one'}")));
        assertEquals(1, fakesBuilt.get());

        PolicyChain second = catalog.chainFor(route("r", 2, "{'type': 'fake', 'mark': 'two'}"));
        assertNotSame(first, second);
        assertEquals("two", settings(second, "fake").getString("mark"));
        assertEquals(2, fakesBuilt.get());

        PolicyChain otherRoute = catalog.chainFor(route("s", 2, "{'type': 'fake', 'mark': 'two'}"));
        assertNotSame(second, otherRoute, "per route id");

        catalog.retain(Set.of("s"));
        assertNotSame(second, catalog.chainFor(route("r", 2, "{'type': 'fake', 'mark': 'two'}")), "forgotten");
        assertSame(otherRoute, catalog.chainFor(route("s", 2, "{'type': 'fake', 'mark': 'two'}")));
    }

    @Test
    void settingsThatStoppedBeingValidRefuseToBuild() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> catalog().chainFor(route("r", 1, "{'type': 'fake'}")));
        assertTrue(e.getMessage().contains("fake"), e.getMessage());
    }

    @Test
    void invalidGatewayWideEntriesFailConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> catalog("{'type': 'ip', 'deny': ['nope']}", "{'type': 'nosuch'}"));
        assertTrue(e.getMessage().startsWith("invalid gateway.policies: "), e.getMessage());
        assertTrue(e.getMessage().contains("gateway.policies[0].deny 'nope' is not an IP address or CIDR range"),
                e.getMessage());
        assertTrue(e.getMessage().contains("gateway.policies[1].type must be one of"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> catalog("{'type': 'fake'}", "{'type': 'fake', 'mark': 'x'}"));
    }

    @Test
    void theFactoriesMustBeCompleteAndDistinct() {
        assertThrows(IllegalStateException.class, () -> new PolicyCatalog(List.of(fake), List.of()));
        assertThrows(IllegalStateException.class, () -> new PolicyCatalog(List.of(fake, fake,
                new HeadersPolicy.Factory(NO_DEFAULTS, new ClientAddresses(List.of()))), List.of()));
    }
}
