package dev.wsgateway.upstream.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A route's own trust ({@link BackendTls#trustingPem}) in real TLS handshakes over loopback, on a transport whose
 * own trust is the test trust store ({@code trust.p12}: backend.p12 and wrong-name.p12, not route-backend.p12).
 */
class BackendTlsPemTest {
    private final BackendTransport transport = new BackendTransport(1, Thread::new,
            BackendTls.trusting(resource("/tls/trust.p12"), "changeit".toCharArray(), "PKCS12", true));
    private final ClientManager container = ClientManager.createClient(NioClientContainer.class.getName());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Keeps the texts a backend session receives. */
    static final class Texts extends Endpoint {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        container.shutdown();
        transport.close();
    }

    @Test
    void aBackendTrustedOnlyThroughPemEchoesOverTls() throws Exception {
        Server server = tlsServer("/tls/route-backend.p12");
        Texts texts = new Texts();
        Session session = open(server, texts, BackendTls.trustingPem(PemCertificatesTest.ROUTE_BACKEND, true))
                .get(10, TimeUnit.SECONDS);
        session.getBasicRemote().sendText("trusted by its route");
        assertEquals("trusted by its route", texts.received.poll(5, TimeUnit.SECONDS));
        session.close();
    }

    @Test
    void theSameBackendIsRefusedWithTheTransportsTrust() throws Exception {
        Server server = tlsServer("/tls/route-backend.p12");
        handshakeFailure(open(server, new Texts(), null));
    }

    @Test
    void pemTrustReplacesTheTransportsTrustInsteadOfAddingToIt() throws Exception {
        Server server = tlsServer("/tls/backend.p12"); // in trust.p12, but not in the PEM
        handshakeFailure(open(server, new Texts(), BackendTls.trustingPem(PemCertificatesTest.ROUTE_BACKEND, true)));
    }

    @Test
    void hostnamesAreVerifiedUnlessTurnedOff() throws Exception {
        Server server = tlsServer("/tls/wrong-name.p12"); // issued to wrong.example, reached as 127.0.0.1
        String wrongName = PemCertificatesTest.pem("wrong-name.pem");
        SSLHandshakeException refused = handshakeFailure(open(server, new Texts(), BackendTls.trustingPem(wrongName, true)));
        assertTrue(String.valueOf(refused.getMessage()).contains("127.0.0.1"), refused.getMessage());

        Texts texts = new Texts();
        Session session = open(server, texts, BackendTls.trustingPem(wrongName, false)).get(10, TimeUnit.SECONDS);
        session.getBasicRemote().sendText("name not checked");
        assertEquals("name not checked", texts.received.poll(5, TimeUnit.SECONDS));
        session.close();
    }

    @Test
    void textThatIsNotACertificateIsRefusedWithTheParsersReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendTls.trustingPem("no certificate here", true));
        assertTrue(e.getMessage().startsWith("holds no PEM certificate"), e.getMessage());
    }

    private CompletableFuture<Session> open(Server server, Endpoint endpoint, BackendTls tls) {
        return AsyncConnect.open(transport, container, endpoint, ClientEndpointConfig.Builder.create().build(),
                URI.create("wss://127.0.0.1:" + server.getPort() + "/echo"), Map.of(), 5000, tls, null);
    }

    private Server tlsServer(String keyStore) throws Exception {
        Server server = BackendTransportTest.startTlsEcho(keyStore);
        toClose.add(server::stop);
        return server;
    }

    private static SSLHandshakeException handshakeFailure(CompletableFuture<Session> opening) throws Exception {
        return BackendTransportTest.cause(BackendTransportTest.failure(opening), SSLHandshakeException.class);
    }

    private static Path resource(String name) {
        try {
            return Path.of(BackendTlsPemTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
