package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import org.glassfish.tyrus.client.auth.AuthenticationException;
import jakarta.websocket.DeploymentException;
import org.glassfish.tyrus.core.HandshakeException;
import org.junit.jupiter.api.Test;

class BackendConnectorTest {

    @Test
    void aNon101AnswerIsARefusal() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new DeploymentException("Handshake error.", new HandshakeException(403, "Forbidden")), false);
        assertEquals(BackendConnectException.Kind.REFUSED, e.kind());
    }

    @Test
    void theTransportsDeadlineIsATimeout() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new DeploymentException("Handshake error.", new SocketTimeoutException("not answered")), false);
        assertEquals(BackendConnectException.Kind.TIMEOUT, e.kind());
    }

    @Test
    void anAuthenticationChallengeIsARefusal() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new AuthenticationException("Authentication failed."), false);
        assertEquals(BackendConnectException.Kind.REFUSED, e.kind());
    }

    @Test
    void aFailureAfterTheTimeoutElapsedIsATimeout() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"), new IOException("closed"), true);
        assertEquals(BackendConnectException.Kind.TIMEOUT, e.kind());
    }

    @Test
    void aRefusedConnectionIsUnreachable() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new DeploymentException("Handshake error.", new ConnectException("Connection refused")), false);
        assertEquals(BackendConnectException.Kind.UNREACHABLE, e.kind());
    }
}
