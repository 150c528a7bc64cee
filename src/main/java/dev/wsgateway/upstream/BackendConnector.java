package dev.wsgateway.upstream;

import dev.wsgateway.relay.RelaySession;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.ThreadPoolConfig;
import org.glassfish.tyrus.container.jdk.client.JdkClientContainer;
import org.glassfish.tyrus.core.HandshakeException;

/**
 * Opens the gateway's WebSocket sessions to backends with the Tyrus client bundled in the WAR (never the
 * server's own client, so behaviour is the same on every server).
 *
 * <p>Tyrus takes the handshake timeout from the client manager, so there is one manager per distinct
 * connect timeout; they share one transport and its thread pool.
 */
public final class BackendConnector implements AutoCloseable {
    /** Bytes of a frame header at most (RFC 6455 5.2), on top of the payload Tyrus buffers. */
    private static final int FRAME_OVERHEAD = 14;
    private final int readerThreads;
    private final int maxFrameBytes;
    private final Map<Integer, Client> clientsByTimeout = new ConcurrentHashMap<>();

    /** A client manager and the container its sessions get (which it does not shut down itself). */
    private record Client(ClientManager manager, BackendSessionContainer container) {
        void shutdown() {
            manager.shutdown();
            container.shutdown();
        }
    }

    /**
     * @param readerThreads most threads reading from backends at once
     * @param maxFrameBytes largest frame a backend may send: Tyrus holds a whole frame (growing its buffer as
     *                      needed) before it hands over the frame's payload, and refuses larger ones
     */
    public BackendConnector(int readerThreads, int maxFrameBytes) {
        this.readerThreads = readerThreads;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Connects and returns the open backend session, blocking the calling thread until the handshake is
     * done or {@code timeoutMillis} passed. {@code headers} are added to the handshake request. The relay's backend side is attached before this returns.
     */
    public Session connect(URI uri, List<String> subprotocols, Map<String, List<String>> headers, int timeoutMillis,
                           RelaySession relay) throws BackendConnectException {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols)
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> request) {
                        request.putAll(headers);
                    }
                })
                .build();
        long started = System.nanoTime();
        try {
            return client(timeoutMillis).connectToServer(new BackendEndpoint(relay), config, forTyrus(uri));
        } catch (DeploymentException | IOException | RuntimeException e) {
            throw classify(uri, e, (System.nanoTime() - started) / 1_000_000 >= timeoutMillis);
        }
    }

    /**
     * Tyrus's JDK transport writes the request line from the decoded {@code getPath()} and {@code getQuery()},
     * which would turn {@code %20} into a raw space and {@code %26} into a query separator. Hand it a URI
     * whose decoded path and query are exactly the raw ones we mean to send.
     */
    static URI forTyrus(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath(), uri.getRawQuery(), null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid backend URI", e);
        }
    }

    static BackendConnectException classify(URI uri, Exception e, boolean timeElapsed) {
        String target = uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HandshakeException h) {
                return new BackendConnectException(BackendConnectException.Kind.REFUSED,
                        target + " refused the handshake with HTTP " + h.getHttpStatusCode(), e);
            }
        }
        if (timeElapsed || String.valueOf(e.getMessage()).contains("Handshake response not received")) {
            return new BackendConnectException(BackendConnectException.Kind.TIMEOUT,
                    target + " did not answer the handshake in time", e);
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new BackendConnectException(BackendConnectException.Kind.UNREACHABLE,
                target + " is unreachable: " + root, e);
    }

    private ClientManager client(int timeoutMillis) {
        return clientsByTimeout.computeIfAbsent(timeoutMillis, t -> {
            BackendSessionContainer container = new BackendSessionContainer();
            ClientManager client = ClientManager.createClient(JdkClientContainer.class.getName(), container);
            container.attach(client);
            Map<String, Object> properties = client.getProperties();
            properties.put(ClientProperties.HANDSHAKE_TIMEOUT, t);
            properties.put(ClientProperties.SHARED_CONTAINER, true);
            properties.put(ClientProperties.INCOMING_BUFFER_SIZE, maxFrameBytes + FRAME_OVERHEAD);
            properties.put(ClientProperties.WORKER_THREAD_POOL_CONFIG,
                    ThreadPoolConfig.defaultConfig().setMaxPoolSize(readerThreads)
                            .setPoolName("ws-gateway-backend"));
            client.setDefaultMaxSessionIdleTimeout(0); // idle timeouts are the relay's, per route
            return new Client(client, container);
        }).manager();
    }

    @Override
    public void close() {
        clientsByTimeout.values().forEach(Client::shutdown);
        clientsByTimeout.clear();
    }
}
