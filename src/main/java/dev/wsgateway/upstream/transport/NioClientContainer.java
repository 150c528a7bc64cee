package dev.wsgateway.upstream.transport;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import java.util.Map;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.core.Utils;
import org.glassfish.tyrus.spi.ClientContainer;
import org.glassfish.tyrus.spi.ClientEngine;

/**
 * Tyrus's client transport SPI over the gateway's {@link BackendTransport}: what a Tyrus {@code ClientManager}
 * created with this class's name uses to connect. The transport comes in the client's properties
 * ({@link BackendTransport#PROPERTY}); the handshake timeout is {@link ClientProperties#HANDSHAKE_TIMEOUT}.
 * Tyrus instantiates it by name (on Payara through the thread's context class loader).
 */
public final class NioClientContainer implements ClientContainer {
    private static final int DEFAULT_TIMEOUT_MILLIS = 30_000;

    @Override
    public void openClientSocket(ClientEndpointConfig cec, Map<String, Object> properties, ClientEngine clientEngine)
            throws DeploymentException {
        Object transport = properties.get(BackendTransport.PROPERTY);
        if (!(transport instanceof BackendTransport t)) {
            throw new DeploymentException("the client's properties have no " + BackendTransport.PROPERTY);
        }
        Integer timeout = Utils.getProperty(properties, ClientProperties.HANDSHAKE_TIMEOUT, Integer.class,
                DEFAULT_TIMEOUT_MILLIS);
        Object tls = properties.get(BackendTransport.TLS_PROPERTY);
        t.open(clientEngine, timeout == null ? DEFAULT_TIMEOUT_MILLIS : timeout, tls instanceof BackendTls b ? b : null);
    }
}
