package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessageChains;
import dev.wsgateway.policy.message.MessagePolicyCatalog;
import dev.wsgateway.policy.message.ScriptedPolicies;
import dev.wsgateway.policy.message.VerdictCounters;
import dev.wsgateway.policy.message.builtin.MessageSizePolicyFactory;
import dev.wsgateway.relay.DirectionBudgetTest.RecordingGate;
import dev.wsgateway.relay.RelaySessionTest.FakePeer;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Message policies in the relay: each verdict, assembly and its limit, and the budget through it all. */
class MessagePolicyHookTest {
    private final FakePeer client = new FakePeer("client");
    private final FakePeer backend = new FakePeer("backend");
    private final RecordingGate clientReads = new RecordingGate();
    /** "policy direction verdict" -> count. */
    private final Map<String, Integer> verdicts = new TreeMap<>();
    private final MessagePolicyCatalog catalog = new MessagePolicyCatalog(List.of(new MessageSizePolicyFactory(),
            new ScriptedPolicies.FrameFactory(), new ScriptedPolicies.MessageFactory()), List.of(),
            (VerdictCounters) (route, policy, flow, verdict) -> () -> count(policy + " " + flow.label() + " " + verdict));

    private synchronized void count(String key) {
        verdicts.merge(key, 1, Integer::sum);
    }

    private synchronized Map<String, Integer> verdicts() {
        return Map.copyOf(verdicts);
    }

    /** A session on a route with these message policies, a 1 KiB budget and a 10-byte assembly limit; both sides open. */
    private RelaySession session(String... entries) {
        List<JsonObject> json = Arrays.stream(entries).map(e -> Json.createReader(new StringReader(e)).readObject())
                .toList();
        Route route = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60, 1 << 20, 1024, 0,
                true, List.of(), 1, json, 10);
        assertEquals(List.of(), catalog.problems(json));
        RelaySession session = new RelaySession("s1", route, "192.0.2.1", Credentials.ANONYMOUS, s -> { });
        session.messagePolicies(catalog.chainsFor(route), Map.of("X-Tenant", List.of("blue")));
        assertTrue(session.backendOpened(backend, null));
        session.clientOpened(client, clientReads);
        return session;
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRouteWithoutMessagePoliciesKeepsTheEmptySlotAndStreamsFragments() {
        RelaySession session = session();
        session.messagePolicies(MessageChains.NONE, Map.of());
        assertSame(MessageHook.NONE, session.flowFrom(Side.CLIENT).hook());
        assertSame(MessageHook.NONE, session.flowFrom(Side.BACKEND).hook());
        session.text(Side.CLIENT, "a", false);
        session.text(Side.CLIENT, "b", true);
        assertEquals(List.of("text a …", "text b"), backend.events());
    }

    @Test
    void aFlowWithoutPoliciesKeepsTheEmptySlotWhenTheOtherHasSome() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\"}");
        assertTrue(session.flowFrom(Side.CLIENT).hook() instanceof MessagePolicyHook);
        assertSame(MessageHook.NONE, session.flowFrom(Side.BACKEND).hook());
    }

    @Test
    void framePoliciesSeeEachFrameAsItStreams() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\"}");
        backend.holdCompletions = true;
        session.text(Side.CLIENT, "a", false);
        assertEquals(List.of("text a …"), backend.events(), "the first part went on before the last arrived");
        backend.holdCompletions = false;
        backend.completeHeld();
        session.text(Side.CLIENT, "b", true);
        assertEquals(List.of("text a …", "text b"), backend.events());
        assertEquals(Map.of("scriptFrame clientToBackend forward", 1), verdicts(), "one verdict per message");
    }

    @Test
    void aDropOnTheFirstFrameDropsTheWholeMessageAndTheNextOnePasses() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\"}");
        session.text(Side.CLIENT, "drop me", false);
        session.text(Side.CLIENT, "rest of it", true);
        session.text(Side.CLIENT, "next", true);
        assertEquals(List.of("text next"), backend.events());
        assertEquals(RelaySession.State.OPEN, session.state());
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
    }

    @Test
    void aDropAfterPartOfTheMessageWentOnClosesWith1008() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"backendToClient\",\"dropAfter\":4}");
        session.binary(Side.BACKEND, bytes("abc"), false);
        session.binary(Side.BACKEND, bytes("def"), true);
        assertEquals(List.of("binary abc …", "close 1001 peer closed by a message policy"), client.events());
        assertEquals(List.of("close 1008 message refused by a policy after part of it was forwarded"), backend.closes());
        assertEquals("policy", session.ending().cause());
    }

    @Test
    void aCloseVerdictClosesTheSenderWithItsCodeAndThePeerWith1001CuttingTheReasonTo123Bytes() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"both\"}");
        String longReason = "close " + "é".repeat(100);
        session.text(Side.CLIENT, longReason, true);
        assertEquals(List.of("close 1001 peer closed by a message policy"), backend.closes());
        String toClient = client.closes().get(0);
        assertTrue(toClient.startsWith("close 4000 close éé"), toClient);
        String reason = toClient.substring("close 4000 ".length());
        assertTrue(reason.length() < longReason.length() && longReason.startsWith(reason), reason);
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length >= 122
                && reason.getBytes(StandardCharsets.UTF_8).length <= 123, "cut to 123 bytes, not inside a character");
        assertEquals(new RelaySession.Ending("gateway", 4000, "policy"), session.ending());
        assertEquals(Map.of("scriptFrame clientToBackend close", 1), verdicts());
    }

    @Test
    void aCloseVerdictReachesThePeerAfterTheMessagesLetThroughBeforeIt() {
        RelaySession session = session("{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\"}");
        backend.holdCompletions = true; // a slow backend: "second" waits behind "first"
        session.text(Side.CLIENT, "first", true);
        session.text(Side.CLIENT, "second", true);
        session.text(Side.CLIENT, "close now", true);
        assertEquals(List.of("close 4000 close now"), client.closes(), "the sender is closed at once");
        backend.completeHeld();
        backend.completeHeld();
        assertEquals(List.of("text first", "text second", "close 1001 peer closed by a message policy"),
                backend.events(), "what the policies let through is not lost to the peer");
    }

    @Test
    void aWholeMessagePolicyMakesTheFlowAssembleAndForwardOneFrame() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}");
        session.text(Side.CLIENT, "ab", false);
        assertEquals(List.of(), backend.events(), "nothing goes on before the message is whole");
        assertEquals(2, session.flowFrom(Side.CLIENT).inFlightBytes(), "held bytes count against the budget");
        session.text(Side.CLIENT, "cd", true);
        assertEquals(List.of("text abcd"), backend.events());
        session.binary(Side.CLIENT, bytes("xy"), false);
        session.binary(Side.CLIENT, bytes("z"), true);
        assertEquals(List.of("text abcd", "binary xyz"), backend.events());
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
        assertEquals(Map.of("scriptMessage clientToBackend forward", 2), verdicts());
    }

    @Test
    void aReplacedMessageGoesOnAndCountsItsNewLength() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\",\"binaryLength\":true}");
        backend.holdCompletions = true;
        session.text(Side.CLIENT, "upp", false);
        session.text(Side.CLIENT, "er", true);
        assertEquals(List.of("text UPPER"), backend.events());
        assertEquals(5, session.flowFrom(Side.CLIENT).inFlightBytes());
        backend.completeHeld();
        session.binary(Side.CLIENT, bytes("12345678"), true);
        assertEquals(List.of("text UPPER", "text length 8"), backend.events());
        assertEquals(8, session.flowFrom(Side.CLIENT).inFlightBytes(), "the replacement's 8 bytes, not the 8 held");
        backend.completeHeld();
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
        assertEquals(Map.of("scriptMessage clientToBackend replace", 2), verdicts());
    }

    @Test
    void aDroppedWholeMessageGivesItsHeldBytesBack() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}");
        session.text(Side.CLIENT, "drop", false);
        session.text(Side.CLIENT, "ped", true);
        assertEquals(List.of(), backend.events());
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
        assertEquals(Map.of("scriptMessage clientToBackend drop", 1), verdicts());
    }

    @Test
    void theContextCarriesTheSessionTheHandshakeHeadersAndPerSessionState() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}");
        session.text(Side.CLIENT, "who", true);
        session.text(Side.CLIENT, "who", true);
        assertEquals(List.of("text r 192.0.2.1 [blue] 1", "text r 192.0.2.1 [blue] 2"), backend.events());
    }

    @Test
    void aMessageOverTheAssemblyLimitCloses1009ToTheSenderAnd1001ToThePeer() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"backendToClient\"}");
        session.text(Side.BACKEND, "123456", false);
        session.text(Side.BACKEND, "78901", true);
        assertEquals(List.of("close 1001 peer sent a message that was too big"), client.events());
        assertEquals(List.of("close 1009 message too big"), backend.closes());
        assertEquals("message_too_big", session.ending().cause());
        assertEquals(0, session.flowFrom(Side.BACKEND).inFlightBytes());
    }

    @Test
    void heldBytesPauseTheSourceOnlyWhileSomethingElseIsInFlight() {
        Route route = new Route("r", "/r", URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60, 1 << 20, 1024, 0,
                true, List.of(), 1, List.of(Json.createReader(new StringReader(
                "{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}")).readObject()), 4096);
        RelaySession session = new RelaySession("s2", route, "192.0.2.1", Credentials.ANONYMOUS, s -> { });
        session.messagePolicies(catalog.chainsFor(route), Map.of());
        assertTrue(session.backendOpened(backend, null));
        session.clientOpened(client, clientReads);
        backend.holdCompletions = true;
        session.binary(Side.CLIENT, ByteBuffer.wrap(new byte[600]), true);
        assertEquals(1, backend.events().size());

        session.binary(Side.CLIENT, ByteBuffer.wrap(new byte[600]), false);
        assertEquals(List.of("pause"), clientReads.calls(), "600 in flight and 600 held pass the 1 KiB budget");
        backend.completeHeld();
        assertEquals(List.of("pause", "resume"), clientReads.calls(),
                "only held bytes are left: the source must be read for the message to complete");
        session.binary(Side.CLIENT, ByteBuffer.wrap(new byte[1500]), false);
        assertEquals(List.of("pause", "resume"), clientReads.calls(), "held bytes alone never pause");
        assertEquals(2100, session.flowFrom(Side.CLIENT).inFlightBytes());
        session.binary(Side.CLIENT, ByteBuffer.wrap(new byte[1]), true);
        assertEquals(List.of("pause", "resume", "pause"), clientReads.calls(), "the assembled 2101 bytes are in flight");
        backend.holdCompletions = false;
        backend.completeHeld();
        assertEquals(List.of("pause", "resume", "pause", "resume"), clientReads.calls());
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
    }

    @Test
    void aPolicyThatThrowsClosesBothSidesWith1011() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}");
        session.text(Side.CLIENT, "boom", true);
        assertEquals(List.of("close 1011 message policy failed"), client.closes());
        assertEquals(List.of("close 1011 message policy failed"), backend.closes());
        assertEquals("policy_error", session.ending().cause());
        assertEquals(Map.of("scriptMessage clientToBackend error", 1), verdicts());
    }

    @Test
    void framePoliciesRunBeforeAssemblyAndADropThereSkipsTheRestUnassembled() {
        RelaySession session = session("{\"type\":\"scriptMessage\",\"direction\":\"clientToBackend\"}",
                "{\"type\":\"scriptFrame\",\"direction\":\"clientToBackend\",\"dropAfter\":3}");
        session.binary(Side.CLIENT, bytes("ab"), false);
        session.binary(Side.CLIENT, bytes("cd"), false);
        session.binary(Side.CLIENT, bytes("ef"), true);
        assertEquals(List.of(), backend.events());
        assertEquals(RelaySession.State.OPEN, session.state(), "nothing had gone on: a plain drop, no close");
        assertEquals(0, session.flowFrom(Side.CLIENT).inFlightBytes());
        session.binary(Side.CLIENT, bytes("ok"), true);
        assertEquals(List.of("binary ok"), backend.events());
        assertEquals(Map.of("scriptFrame clientToBackend drop", 1, "scriptFrame clientToBackend forward", 1,
                "scriptMessage clientToBackend forward", 1), verdicts());
    }

    @Test
    void messageSizeClosesTheSenderWith1009OnTheFrameThatCrossesTheLimit() {
        RelaySession session = session("{\"type\":\"messageSize\",\"direction\":\"backendToClient\",\"maxBytes\":5}");
        session.text(Side.CLIENT, "123456789", true);
        assertEquals(List.of("text 123456789"), backend.events(), "the other direction has no limit");
        session.text(Side.BACKEND, "123", false);
        session.text(Side.BACKEND, "456", true);
        assertEquals(List.of("text 123 …", "close 1001 peer closed by a message policy"), client.events());
        assertEquals(List.of("close 1009 message larger than 5 bytes"), backend.closes());
        assertEquals(Map.of("messageSize backendToClient close", 1), verdicts());
        assertEquals(Flow.BACKEND_TO_CLIENT.label(), "backendToClient");
    }
}
