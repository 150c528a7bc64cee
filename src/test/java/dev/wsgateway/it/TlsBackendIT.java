package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.CloseReason;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes to {@code wss://} backends: the gateway's transport speaks TLS to them, trusting the test trust store
 * the server was started with ({@code gateway.backend.tls.trust-store}), with hostname verification on.
 */
class TlsBackendIT extends GatewayTestBase {
    private static TestBackend tlsBackend;
    private static TestBackend wrongName;
    private static boolean routesCreated;

    @BeforeAll
    static void startTlsBackends() throws Exception {
        tlsBackend = TestBackend.startTls("/tls/backend.p12");
        wrongName = TestBackend.startTls("/tls/wrong-name.p12");
    }

    @AfterAll
    static void stopTlsBackends() {
        tlsBackend.close();
        wrongName.close();
    }

    @BeforeEach
    void routes() throws Exception {
        if (!routesCreated) {
            admin().createRoute("tls-echo", "/tls/echo", tlsBackend.uri("/echo"), "");
            admin().createRoute("tls-wrong-name", "/tls/wrong-name", wrongName.uri("/echo"), "");
            routesCreated = true;
        }
    }

    @Test
    void relaysTextAndBinaryBothWaysToAWssBackend() throws Exception {
        byte[] large = new byte[1024 * 1024];
        new Random(3).nextBytes(large);
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            for (int i = 0; i < 50; i++) {
                client.send("over TLS " + i);
                client.send(new byte[] {(byte) i, 7});
            }
            client.send(large);
            for (int i = 0; i < 50; i++) {
                assertEquals("over TLS " + i, client.nextText());
                assertArrayEquals(new byte[] {(byte) i, 7}, client.nextBinary());
            }
            assertArrayEquals(large, client.nextBinary());
            client.send("!uri");
            assertEquals("/echo", client.nextText());
        }
    }

    @Test
    void aCloseFromTheWssBackendReachesTheClientWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            client.send("!close 4998 backend over TLS says bye");
            assertEquals(new WsClient.Closed(4998, "backend over TLS says bye"), client.awaitClose());
        }
    }

    @Test
    void aCloseFromTheClientReachesTheWssBackendWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/tls/echo"))) {
            client.send("ping");
            assertEquals("ping", client.nextText());
            client.close(4999, "client says bye");
            CloseReason atBackend = TestBackend.nextClose();
            assertEquals(4999, atBackend.getCloseCode().getCode());
            assertEquals("client says bye", atBackend.getReasonPhrase());
        }
    }

    @Test
    void aBackendCertificateForAnotherNameIs502() throws Exception {
        RawHttp.Response response = RawHttp.handshake(base, "/ws/tls/wrong-name");
        assertEquals(502, response.status());
    }
}
