package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import jakarta.websocket.DeploymentException;
import org.glassfish.tyrus.core.HandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackendConnectorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ws://h:1/a/b?x=1                 | /a/b       | x=1",
            "ws://h:1/a%20b?y=%20z            | /a%20b     | y=%20z",
            "ws://h:1/p?a=%26b&c=%3D          | /p         | a=%26b&c=%3D",
            "wss://h/a%2Fb                    | /a%2Fb     |",
    })
    void tyrusDecodesOnceSoTheWireGetsTheRawPathAndQuery(String uri, String rawPath, String rawQuery) {
        URI forTyrus = BackendConnector.forTyrus(URI.create(uri));
        // What Tyrus's JDK transport puts in the request line: getPath() and getQuery().
        assertEquals(rawPath, forTyrus.getPath());
        assertEquals(rawQuery, forTyrus.getQuery());
        assertEquals(URI.create(uri).getHost(), forTyrus.getHost());
        assertEquals(URI.create(uri).getPort(), forTyrus.getPort());
    }

    @Test
    void aNon101AnswerIsARefusal() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new DeploymentException("Handshake error.", new HandshakeException(403, "Forbidden")), false);
        assertEquals(BackendConnectException.Kind.REFUSED, e.kind());
    }

    @Test
    void noHandshakeResponseInTimeIsATimeout() {
        var e = BackendConnector.classify(URI.create("ws://h:1/x"),
                new DeploymentException("Handshake response not received."), false);
        assertEquals(BackendConnectException.Kind.TIMEOUT, e.kind());
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
