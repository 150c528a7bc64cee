package dev.wsgateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.Peer;
import dev.wsgateway.relay.QuietPeer;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    private static final Route ROUTE = new Route("chat", "/chat",
            URI.create("ws://127.0.0.1:1/chat?token=backend-secret"), List.of(), 1000, 60, 1024, 0, true, List.of(), 1);

    private static final Peer QUIET = new QuietPeer();

    @Test
    void oneLineSaysWhoWhatHowMuchAndHowItEndedButNoSecret() {
        Credentials jwt = new Credentials("alice", "jwt", null, "alice", "token-id-1", Instant.now().plusSeconds(60),
                true, Map.of("scope", "chat", "secret-claim", "s3cr3t"));
        RelaySession s = new RelaySession("sess1", ROUTE, "192.0.2.9", jwt, x -> { });
        s.backendOpened(QUIET, "chat.v1");
        s.clientOpened(QUIET);
        s.text(Side.CLIENT, "hi", true);
        s.text(Side.BACKEND, "hello", true);
        s.sideEnded(Side.BACKEND, 1000, "done");

        String line = AccessLog.line(s, s.createdAt().plusMillis(1500));
        JsonObject json = Json.createReader(new StringReader(line)).readObject();
        assertEquals("sess1", json.getString("session"));
        assertEquals("chat", json.getString("route"));
        assertEquals("192.0.2.9", json.getString("client"));
        assertEquals("alice", json.getString("principal"));
        assertEquals("jwt", json.getString("auth"));
        assertEquals("chat.v1", json.getString("subprotocol"));
        assertEquals(1500, json.getInt("durationMillis"));
        assertEquals(1, json.getInt("messagesFromClient"));
        assertEquals(2, json.getInt("bytesFromClient"));
        assertEquals(5, json.getInt("bytesFromBackend"));
        assertEquals("backend", json.getString("closedBy"));
        assertEquals(1000, json.getInt("closeCode"));
        assertFalse(line.contains("backend-secret") || line.contains("s3cr3t") || line.contains("token-id-1"), line);
        assertFalse(line.contains("\n"));
    }
}
