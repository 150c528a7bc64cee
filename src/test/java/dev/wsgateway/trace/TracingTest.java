package dev.wsgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.Frame;
import dev.wsgateway.relay.QuietPeer;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Traces of routes and sessions: what they record, their deadline, their bounds. */
class TracingTest {
    private static final Route CHAT = route("chat");
    private static final Route OTHER = route("other");
    private static final TraceSettings.Limits LIMITS = new TraceSettings.Limits(60, 3600, 100, 1000, 64, 1024, 2,
            600, List.of(), List.of());

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SessionRegistry registry = new SessionRegistry();
    private final Tracing tracing = new Tracing(registry, LIMITS, now::get);

    private static Route route(String id) {
        return new Route(id, "/" + id, URI.create("ws://127.0.0.1:1/x"), List.of(), 1000, 60, 1 << 20, 1 << 16, 0,
                true, List.of(), 1);
    }

    private static TraceSettings settings(int seconds, int frames) {
        return new TraceSettings(seconds, frames, 64, new Redactor(Set.of("password"), List.of()));
    }

    private RelaySession open(Route route) {
        RelaySession s = registry.open(route, "192.0.2.1");
        assertTrue(s.backendOpened(new QuietPeer(), null));
        s.clientOpened(new QuietPeer());
        return s;
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void recordsDirectionsOpcodesFragmentFlagsAndRedactedPreviews() {
        RelaySession s = open(CHAT);
        tracing.traceRoute("chat", settings(60, 100));

        s.text(Side.CLIENT, "{\"password\":\"hunter2\"}", true);
        s.binary(Side.BACKEND, ByteBuffer.wrap(new byte[] {1, 2, 3}), false);
        s.binary(Side.BACKEND, ByteBuffer.wrap(new byte[] {4}), true);
        s.pong(Side.CLIENT, ByteBuffer.wrap(new byte[] {9}));

        List<TracedFrame> frames = tracing.session(s.id()).orElseThrow().ring().frames();
        assertEquals(List.of("clientToBackend text true true 22 {\"password\":\"***\"}",
                        "backendToClient binary true false 3 AQID",
                        "backendToClient continuation false true 1 BA==",
                        "clientToBackend pong true true 1 CQ=="),
                frames.stream().map(f -> f.direction() + " " + f.opcode() + " " + f.first() + " " + f.last() + " "
                        + f.size() + " " + f.preview()).toList());
    }

    @Test
    void aSessionOpenedOnATracedRouteIsTracedAndOneOnAnotherRoutePaysNothing() {
        tracing.traceRoute("chat", settings(60, 100));

        RelaySession traced = open(CHAT);
        RelaySession other = open(OTHER);

        assertNotNull(traced.flowFrom(Side.CLIENT).tap());
        assertNull(other.flowFrom(Side.CLIENT).tap());
        assertNull(other.flowFrom(Side.BACKEND).tap());
    }

    @Test
    void recordsNothingPastTheDeadlineAndTakesTheTapOffButKeepsTheFrames() {
        RelaySession s = open(CHAT);
        tracing.traceSession(s, settings(5, 100));
        s.text(Side.CLIENT, "before", true);

        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        s.text(Side.CLIENT, "after", true);

        SessionTrace trace = tracing.session(s.id()).orElseThrow();
        assertEquals(List.of("before"), trace.ring().frames().stream().map(TracedFrame::preview).toList());
        assertFalse(trace.active());
        assertNull(s.flowFrom(Side.CLIENT).tap(), "the tap came off");
    }

    @Test
    void aRouteTraceStartedPastItsDeadlineDoesNotTraceNewSessions() {
        tracing.traceRoute("chat", settings(5, 100));
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));

        RelaySession late = open(CHAT);

        assertNull(late.flowFrom(Side.CLIENT).tap());
    }

    @Test
    void discardsATracePastItsRetention() {
        RelaySession s = open(CHAT);
        tracing.traceRoute("chat", settings(5, 100));

        now.addAndGet(TimeUnit.SECONDS.toNanos(5 + 600));

        assertTrue(tracing.route("chat").isEmpty());
        assertTrue(tracing.session(s.id()).isEmpty());
    }

    @Test
    void keepsAtMostMaxSessionsPerRouteAndLetsEndedOnesMakeRoom() {
        tracing.traceRoute("chat", settings(60, 100));
        RelaySession first = open(CHAT);
        open(CHAT);
        RelaySession third = open(CHAT);
        assertNull(third.flowFrom(Side.CLIENT).tap(), "two sessions at most, both live");

        first.sideEnded(Side.CLIENT, 1000, "");
        first.sideEnded(Side.BACKEND, 1000, "");
        RelaySession fourth = open(CHAT);

        assertNotNull(fourth.flowFrom(Side.CLIENT).tap());
        RouteTrace trace = tracing.route("chat").orElseThrow();
        assertEquals(2, trace.sessions().size());
        assertEquals(1, trace.skipped());
    }

    @Test
    void aPushedMessageIsTracedAsTheGatewaysOwn() {
        RelaySession s = open(CHAT);
        tracing.traceSession(s, settings(60, 100));

        s.push(Side.CLIENT, Frame.text("notice", true), TimeUnit.SECONDS.toNanos(1));

        TracedFrame f = tracing.session(s.id()).orElseThrow().ring().frames().get(0);
        assertEquals("backendToClient text notice", f.direction() + " " + f.opcode() + " " + f.preview());
        assertTrue(f.byGateway());
    }

    @Test
    void stoppingATraceTakesTheTapsOffAndDiscardsIt() {
        RelaySession s = open(CHAT);
        tracing.traceRoute("chat", settings(60, 100));

        assertTrue(tracing.stopRoute("chat"));

        assertNull(s.flowFrom(Side.CLIENT).tap());
        assertTrue(tracing.session(s.id()).isEmpty());
        assertFalse(tracing.stopRoute("chat"));
    }
}
