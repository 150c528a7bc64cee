package dev.wsgateway.policy.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.message.builtin.MessageSizePolicyFactory;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which message policies each flow of a route gets: gateway-wide entries, the route's own, and field errors. */
class MessagePolicyCatalogTest {
    private static final List<MessagePolicyFactory> FACTORIES = List.of(new MessageSizePolicyFactory(),
            new ScriptedPolicies.FrameFactory(), new ScriptedPolicies.MessageFactory());

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static List<JsonObject> entries(String... texts) {
        return java.util.Arrays.stream(texts).map(MessagePolicyCatalogTest::json).toList();
    }

    private static MessagePolicyCatalog catalog(String... global) {
        return new MessagePolicyCatalog(FACTORIES, entries(global), VerdictCounters.NONE);
    }

    private static Route route(long version, List<JsonObject> messagePolicies) {
        return new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60, 1 << 20, 65536, 0, true,
                List.of(), version, messagePolicies, 1 << 20);
    }

    /** Each policy of the flow's chain as "type:settings". */
    private static List<String> chain(MessageChains chains, Flow flow) {
        return chains.of(flow).describe().stream().map(v -> v.asJsonObject().getString("type") + ":"
                + v.asJsonObject().getJsonObject("settings")).toList();
    }

    @Test
    void gatewayWideEntriesApplyToEveryRouteOnTheirFlows() {
        MessageChains chains = catalog("{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":100}")
                .chainsFor(route(1, List.of()));
        assertEquals(List.of("messageSize:{\"maxBytes\":100}"), chain(chains, Flow.CLIENT_TO_BACKEND));
        assertEquals(List.of("messageSize:{\"maxBytes\":100}"), chain(chains, Flow.BACKEND_TO_CLIENT));
    }

    @Test
    void aRouteEntryReplacesTheGatewayWideOneOnlyOnTheFlowsItNames() {
        MessageChains chains = catalog("{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":100}")
                .chainsFor(route(1, entries("{\"type\":\"messageSize\",\"direction\":\"clientToBackend\",\"maxBytes\":50}")));
        assertEquals(List.of("messageSize:{\"maxBytes\":50}"), chain(chains, Flow.CLIENT_TO_BACKEND));
        assertEquals(List.of("messageSize:{\"maxBytes\":100}"), chain(chains, Flow.BACKEND_TO_CLIENT));
    }

    @Test
    void enabledFalseTurnsAGatewayWideTypeOffOnTheNamedFlowsOrBoth() {
        MessagePolicyCatalog catalog = catalog("{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":100}");
        MessageChains off = catalog.chainsFor(route(1, entries("{\"type\":\"messageSize\",\"enabled\":false}")));
        assertTrue(off.isEmpty());
        MessageChains oneWay = catalog.chainsFor(route(2, entries(
                "{\"type\":\"messageSize\",\"enabled\":false,\"direction\":\"backendToClient\"}")));
        assertEquals(List.of("messageSize:{\"maxBytes\":100}"), chain(oneWay, Flow.CLIENT_TO_BACKEND));
        assertEquals(List.of(), chain(oneWay, Flow.BACKEND_TO_CLIENT));
    }

    @Test
    void gatewayWideEntriesRunFirstAndAReplacementTakesTheirPlace() {
        MessageChains chains = catalog(
                "{\"type\":\"scriptFrame\",\"direction\":\"both\"}",
                "{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":100}")
                .chainsFor(route(1, entries(
                        "{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}",
                        "{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\",\"dropAfter\":5}")));
        assertEquals(List.of("scriptFrame:{\"dropAfter\":5}", "messageSize:{\"maxBytes\":100}",
                "scriptMessage:{\"binaryLength\":false}"), chain(chains, Flow.CLIENT_TO_BACKEND));
        assertEquals(List.of("scriptFrame:{\"dropAfter\":" + Long.MAX_VALUE + "}", "messageSize:{\"maxBytes\":100}"),
                chain(chains, Flow.BACKEND_TO_CLIENT));
        assertTrue(chains.of(Flow.CLIENT_TO_BACKEND).assembles(), "a whole-message policy makes the flow assemble");
        assertFalse(chains.of(Flow.BACKEND_TO_CLIENT).assembles());
        assertEquals("message", chains.describe().getJsonObject("clientToBackend").getJsonArray("policies")
                .getJsonObject(2).getString("phase"));
    }

    @Test
    void aTypeMayRunWithOtherSettingsEachWay() {
        MessageChains chains = catalog().chainsFor(route(1, entries(
                "{\"type\":\"messageSize\",\"direction\":\"clientToBackend\",\"maxBytes\":10}",
                "{\"type\":\"messageSize\",\"direction\":\"backendToClient\",\"maxBytes\":20}")));
        assertEquals(List.of("messageSize:{\"maxBytes\":10}"), chain(chains, Flow.CLIENT_TO_BACKEND));
        assertEquals(List.of("messageSize:{\"maxBytes\":20}"), chain(chains, Flow.BACKEND_TO_CLIENT));
    }

    @Test
    void badEntriesAreFieldErrorsNamingTheEntry() {
        List<FieldError> problems = catalog().problems(entries(
                "{\"type\":\"telepathy\",\"direction\":\"both\"}",
                "{\"type\":\"messageSize\",\"maxBytes\":10}",
                "{\"type\":\"messageSize\",\"direction\":\"sideways\",\"maxBytes\":10}",
                "{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":0,\"colour\":\"red\"}",
                "{\"type\":\"scriptFrame\",\"direction\":\"both\"}",
                "{\"type\":\"scriptFrame\",\"direction\":\"backendToClient\"}",
                "{\"type\":\"scriptMessage\",\"direction\":\"both\",\"enabled\":\"no\"}"));
        assertEquals(List.of("messagePolicies[0].type", "messagePolicies[1].direction", "messagePolicies[2].direction",
                "messagePolicies[3].colour", "messagePolicies[3].maxBytes", "messagePolicies[5].direction",
                "messagePolicies[6].enabled"), problems.stream().map(FieldError::field).toList(), problems.toString());
        assertTrue(problems.get(1).message().startsWith("is required"), problems.get(1).message());
        assertTrue(problems.get(5).message().contains("messagePolicies[4]"), problems.get(5).message());
    }

    @Test
    void anEntryThatTurnsATypeOffNeedsNoDirectionOrSettings() {
        assertEquals(List.of(), catalog().problems(entries("{\"type\":\"messageSize\",\"enabled\":false}")));
    }

    @Test
    void anInvalidGatewayWideEntryFailsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> catalog("{\"type\":\"messageSize\",\"direction\":\"both\"}"));
        assertTrue(e.getMessage().contains("gateway.message-policies[0].maxBytes"), e.getMessage());
    }

    @Test
    void chainsAreBuiltOncePerRouteVersion() {
        MessagePolicyCatalog catalog = catalog();
        List<JsonObject> entries = entries("{\"type\":\"messageSize\",\"direction\":\"both\",\"maxBytes\":10}");
        MessageChains first = catalog.chainsFor(route(1, entries));
        assertSame(first, catalog.chainsFor(route(1, entries)));
        assertNotSame(first, catalog.chainsFor(route(2, entries)));
    }

    @Test
    void aRouteWithoutMessagePoliciesGetsNoChains() {
        assertSame(MessageChains.NONE, catalog().chainsFor(route(1, List.of())));
    }

    @Test
    void aStoredEntryOfAnUnknownTypeRefusesToBuildWithAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> catalog().chainsFor(route(1,
                entries("{\"type\":\"telepathy\",\"direction\":\"both\"}"))));
        assertTrue(e.getMessage().contains("telepathy"), e.getMessage());
    }
}
