package dev.wsgateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.Route;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayMetersTest {
    private static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:1/chat"), List.of(), 1000,
            60, 1 << 20, 0, true, List.of(), 1);

    private GatewayMeters meters;
    private final SessionRegistry registry = new SessionRegistry(s -> meters.sessionEnded(s));

    {
        meters = new GatewayMeters(registry);
    }

    @AfterEach
    void stop() {
        registry.close();
        meters.stop();
    }

    private RelaySession openSession() {
        RelaySession s = registry.open(ROUTE, "192.0.2.7");
        s.backendOpened(new RecordingPeer(), "");
        s.clientOpened(new RecordingPeer());
        meters.handshake(ROUTE.id(), "accepted", 101, null);
        return s;
    }

    private String scrape(String accept) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        meters.scrape(out, GatewayMeters.contentTypeFor(accept));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the sample with exactly this name and these labels (in the registry's label order). */
    private static double sample(String text, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError(nameAndLabels + " not in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countsWhatASessionRelayedWhileItIsLiveAndAfterItEnded() throws Exception {
        RelaySession s = openSession();
        for (int i = 0; i < 3; i++) {
            s.text(Side.CLIENT, "hello", true);
        }
        s.binary(Side.BACKEND, ByteBuffer.wrap(new byte[10]), false);
        s.binary(Side.BACKEND, ByteBuffer.wrap(new byte[6]), true);

        String live = scrape(null);
        assertEquals(1, sample(live, "ws_gateway_sessions_live{route=\"chat\"}"));
        assertEquals(3, sample(live, "ws_gateway_messages_total{direction=\"client_to_backend\",route=\"chat\"}"));
        assertEquals(15, sample(live, "ws_gateway_bytes_total{direction=\"client_to_backend\",route=\"chat\"}"));
        assertEquals(1, sample(live, "ws_gateway_messages_total{direction=\"backend_to_client\",route=\"chat\"}"));
        assertEquals(2, sample(live, "ws_gateway_frames_total{direction=\"backend_to_client\",route=\"chat\"}"));

        s.sideEnded(Side.CLIENT, 4001, "bye");
        s.sideEnded(Side.BACKEND, 4001, "bye");

        String ended = scrape(null);
        assertEquals(0, sample(ended, "ws_gateway_sessions_live{route=\"chat\"}"));
        assertEquals(3, sample(ended, "ws_gateway_messages_total{direction=\"client_to_backend\",route=\"chat\"}"));
        assertEquals(16, sample(ended, "ws_gateway_bytes_total{direction=\"backend_to_client\",route=\"chat\"}"));
        assertEquals(1, sample(ended, "ws_gateway_closes_total{code=\"4001\",route=\"chat\",side=\"client\"}"));
        assertEquals(1, sample(ended, "ws_gateway_sessions_closed_total{cause=\"client\",route=\"chat\"}"));
    }

    @Test
    void anAdministratorsCloseIsCountedAsTheGatewaysWithTheCodeTheClientGot() throws Exception {
        RelaySession s = openSession();
        s.close("admin", new Close(4100, "maintenance"), new Close(4100, "maintenance"));
        s.sideEnded(Side.CLIENT, 4100, "maintenance");
        s.sideEnded(Side.BACKEND, 4100, "maintenance");

        String text = scrape(null);
        assertEquals(1, sample(text, "ws_gateway_closes_total{code=\"4100\",route=\"chat\",side=\"gateway\"}"));
        assertEquals(1, sample(text, "ws_gateway_sessions_closed_total{cause=\"admin\",route=\"chat\"}"));
    }

    @Test
    void countsHandshakesByReasonStatusAndRefusingPolicy() throws Exception {
        meters.handshake("chat", "policy", 401, "apiKey");
        meters.handshake("chat", "policy", 401, "apiKey");
        meters.handshake(null, "no_route", 404, null);
        meters.handshake("chat", "accepted", 101, null);

        String text = scrape(null);
        assertEquals(2, sample(text, "ws_gateway_handshakes_total{outcome=\"refused\",policy=\"apiKey\",reason=\"policy\",route=\"chat\",status=\"401\"}"));
        assertEquals(1, sample(text, "ws_gateway_handshakes_total{outcome=\"refused\",policy=\"none\",reason=\"no_route\",route=\"none\",status=\"404\"}"));
        GatewayMeters.RouteStats stats = meters.stats("chat");
        assertEquals(1, stats.handshakesAccepted());
        assertEquals(2L, stats.handshakesRefused().get("policy:apiKey"));
    }

    @Test
    void servesOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        meters.backendConnect("chat", 3_000_000, "connected");
        String text = scrape("application/openmetrics-text; version=1.0.0");
        assertTrue(text.trim().endsWith("# EOF"), text);
        assertTrue(text.contains("ws_gateway_backend_connect_seconds_bucket{"), text);
        assertTrue(scrape("text/plain").contains("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void aPairGivenUpDuringItsHandshakeIsNoSession() throws Exception {
        RelaySession s = registry.open(ROUTE, "192.0.2.7");
        s.finishNow();
        meters.handshake("chat", "backend_refused", 502, null);
        String text = scrape(null);
        assertTrue(!text.contains("ws_gateway_closes_total"), text);
    }

    @Test
    void countsMessagePolicyVerdictsByRoutePolicyDirectionAndVerdictOnlyOnceAsked() throws Exception {
        assertTrue(!scrape(null).contains("ws_gateway_message_policy_verdicts_total"), "nothing before a verdict");
        Runnable drops = meters.messagePolicyVerdict("chat", "messageSize", dev.wsgateway.policy.message.Flow.BACKEND_TO_CLIENT, "close");
        drops.run();
        drops.run();
        String text = scrape(null);
        assertTrue(text.contains("ws_gateway_message_policy_verdicts_total{direction=\"backend_to_client\",policy=\"messageSize\","
                + "route=\"chat\",verdict=\"close\"} 2.0"), text);
    }
}
