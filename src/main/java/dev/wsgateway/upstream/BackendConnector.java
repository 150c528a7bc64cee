package dev.wsgateway.upstream;

import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.upstream.transport.AsyncConnect;
import dev.wsgateway.upstream.transport.BackendTls;
import dev.wsgateway.upstream.transport.BackendTransport;
import dev.wsgateway.upstream.transport.Loop;
import dev.wsgateway.upstream.transport.MaskingKeys;
import dev.wsgateway.upstream.transport.NioClientContainer;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Session;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.core.HandshakeException;

/**
 * Opens the gateway's WebSocket sessions to backends: Tyrus client sessions (the Tyrus bundled in the WAR, or
 * the server's own where it is the same, as on Payara) over the gateway's own {@link BackendTransport}.
 * Connecting holds no thread while the backend answers ({@link #connectAsync}).
 */
public final class BackendConnector implements AutoCloseable {
    /** Bytes of a frame header at most (RFC 6455 5.2), on top of the payload Tyrus buffers. */
    private static final int FRAME_OVERHEAD = 14;
    private final BackendTransport transport;
    private final boolean ownsTransport;
    private final BackendSessionContainer container = new BackendSessionContainer();
    private final ClientManager manager;
    private final Map<String, Object> properties;
    private final AtomicReferenceArray<URI> recentUris = new AtomicReferenceArray<>(64);

    /**
     * A connector on a transport of its own (plain threads, the JVM's default trust), closed with it.
     *
     * @param ioThreads     the transport's selector threads
     * @param maxFrameBytes largest frame a backend may send: Tyrus holds a whole frame (growing its buffer as
     *                      needed) before it hands over the frame's payload, and refuses larger ones
     */
    public BackendConnector(int ioThreads, int maxFrameBytes) {
        this(new BackendTransport(ioThreads, Thread::new, BackendTls.jvmDefault()), true, maxFrameBytes);
    }

    /** A connector on the given transport, which stays the caller's to close. */
    public BackendConnector(BackendTransport transport, int maxFrameBytes) {
        this(transport, false, maxFrameBytes);
    }

    private BackendConnector(BackendTransport transport, boolean ownsTransport, int maxFrameBytes) {
        AsyncConnect.check();
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        // Tyrus loads the container class by name through the context class loader (on Payara, its own Tyrus
        // does): make sure that is the WAR's, whichever thread builds the connector.
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(BackendConnector.class.getClassLoader());
        try {
            manager = ClientManager.createClient(NioClientContainer.class.getName(), container);
        } finally {
            thread.setContextClassLoader(before);
        }
        container.attach(manager);
        manager.setDefaultMaxSessionIdleTimeout(0); // idle timeouts are the relay's, per route
        Map<String, Object> p = manager.getProperties();
        p.put(BackendTransport.PROPERTY, transport);
        p.put(ClientProperties.INCOMING_BUFFER_SIZE, maxFrameBytes + FRAME_OVERHEAD);
        p.put(ClientProperties.MASKING_KEY_GENERATOR, new MaskingKeys());
        p.put(ClientProperties.SHARED_CONTAINER, true);
        this.properties = Map.copyOf(new HashMap<>(p));
    }

    /**
     * Connects and returns the open backend session, blocking the calling thread until the handshake is
     * done or {@code timeoutMillis} passed. {@code headers} are added to the handshake request. The relay's
     * backend side is attached before this returns.
     */
    public Session connect(URI uri, List<String> subprotocols, Map<String, List<String>> headers, int timeoutMillis,
                           RelaySession relay) throws BackendConnectException {
        CompletableFuture<Session> pending = connectAsync(uri, subprotocols, headers, timeoutMillis, relay);
        try {
            return pending.get();
        } catch (InterruptedException e) {
            pending.cancel(false);
            Thread.currentThread().interrupt();
            throw new BackendConnectException(BackendConnectException.Kind.UNREACHABLE,
                    "interrupted while connecting to " + target(uri), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BackendConnectException b) {
                throw b;
            }
            throw classify(uri, e, false);
        }
    }

    /**
     * Starts connecting and returns at once. The future completes with the open session (the relay's backend
     * side attached: the endpoint's {@code onOpen} has run) or fails with a {@link BackendConnectException}
     * (REFUSED, TIMEOUT or UNREACHABLE), always within {@code timeoutMillis}, on one of the transport's threads:
     * whatever depends on it must not block. Cancel it (or complete it yourself) to abandon the connect: the
     * connection closes, or the session, should it open anyway, is closed with 1001.
     */
    public CompletableFuture<Session> connectAsync(URI uri, List<String> subprotocols, Map<String, List<String>> headers,
                                                   int timeoutMillis, RelaySession relay) {
        return connectAsync(uri, subprotocols, headers, timeoutMillis, relay, null, null);
    }

    /**
     * As {@link #connectAsync(URI, List, Map, int, RelaySession)}, with the backend connection on {@code near}
     * (the client connection's I/O thread, so both sockets of the pair share one thread), or on the transport's
     * own threads when it is null, and trusting {@code tls}.
     *
     * @param tls trust for a {@code wss://} backend (a route's own); null for the transport's
     */
    public CompletableFuture<Session> connectAsync(URI uri, List<String> subprotocols, Map<String, List<String>> headers,
                                                   int timeoutMillis, RelaySession relay, Loop near, BackendTls tls) {
        HandshakeHeaders handshakeHeaders = new HandshakeHeaders(headers);
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols)
                .configurator(handshakeHeaders)
                .build();
        long started = System.nanoTime();
        CompletableFuture<Session> result = new CompletableFuture<>();
        CompletableFuture<Session> opening = AsyncConnect.open(transport, container, new BackendEndpoint(relay),
                config, recent(uri), properties, timeoutMillis, tls, near);
        opening.whenComplete((session, failure) -> {
            if (failure == null) {
                if (!result.complete(session)) {
                    AsyncConnect.closeAbandoned(session);
                }
            } else {
                result.completeExceptionally(classify(uri, failure,
                        (System.nanoTime() - started) / 1_000_000 >= timeoutMillis));
            }
        });
        result.whenComplete((session, failure) -> {
            handshakeHeaders.handshakeEnded();
            if (failure != null) {
                opening.cancel(false);
            }
        });
        return result;
    }

    /**
     * Adds the gateway's headers to the backend's handshake request (every time Tyrus builds one: a redirect or an
     * authentication retry builds another), and lets go of them once the connect ended: Tyrus keeps the session's
     * config, and with it this configurator, for as long as the session lives.
     */
    private static final class HandshakeHeaders extends ClientEndpointConfig.Configurator {
        private volatile Map<String, List<String>> headers;

        HandshakeHeaders(Map<String, List<String>> headers) {
            this.headers = headers;
        }

        @Override
        public void beforeRequest(Map<String, List<String>> request) {
            Map<String, List<String>> h = headers;
            if (h != null) {
                request.putAll(h);
            }
        }

        void handshakeEnded() {
            headers = null;
        }
    }

    /**
     * The URI object of a recent connect to the same URI, or this one: Tyrus keeps a session's URI, and the strings
     * parsed from it, for as long as the session lives, and most connects of a route go to the same URI.
     */
    private URI recent(URI uri) {
        int slot = uri.hashCode() & (recentUris.length() - 1);
        URI recent = recentUris.get(slot);
        if (recent != null && recent.toString().equals(uri.toString())) {
            return recent;
        }
        recentUris.set(slot, uri);
        return uri;
    }

    static BackendConnectException classify(URI uri, Throwable e, boolean timeElapsed) {
        String target = target(uri);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HandshakeException h) {
                return new BackendConnectException(BackendConnectException.Kind.REFUSED,
                        target + " refused the handshake with HTTP " + h.getHttpStatusCode(), h);
            }
            if (t instanceof SocketTimeoutException) {
                return new BackendConnectException(BackendConnectException.Kind.TIMEOUT,
                        target + " did not answer the handshake in time: " + t.getMessage(), t);
            }
        }
        if (timeElapsed && !(e instanceof CancellationException)) {
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

    private static String target(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    @Override
    public void close() {
        manager.shutdown();
        container.shutdown();
        if (ownsTransport) {
            transport.close();
        }
    }
}
