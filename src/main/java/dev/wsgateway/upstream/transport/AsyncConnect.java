package dev.wsgateway.upstream.transport;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.TyrusClientEngine;
import org.glassfish.tyrus.core.ComponentProviderService;
import org.glassfish.tyrus.core.DebugContext;
import org.glassfish.tyrus.core.TyrusEndpointWrapper;

/**
 * Opens a Tyrus client session with no thread waiting for the backend's answer. Tyrus's {@code ClientManager}
 * always parks a thread on a latch until the 101 (the calling one, or with {@code asyncConnectToServer} one of
 * its executor's), so this does what its connector does without the latch: it wraps the endpoint, creates
 * Tyrus's own {@link TyrusClientEngine} (handshake, extensions, redirects and authentication stay Tyrus's) and
 * hands it to the transport; the future completes on the transport's thread when the engine reports.
 *
 * <p>The engine's constructor is package-private in Tyrus 2.1, so it is reached once by reflection;
 * {@link #check()} fails the gateway's start if a Tyrus version moved it.
 */
public final class AsyncConnect {
    private static final Logger LOG = Logger.getLogger(AsyncConnect.class.getName());
    private static final ComponentProviderService COMPONENTS = ComponentProviderService.createClient();
    private static final Constructor<TyrusClientEngine> ENGINE = engineConstructor();
    private static final AtomicReferenceArray<EngineProperties> RECENT = new AtomicReferenceArray<>(8);
    private static final Field HANDSHAKE = handshakeField();
    private static final TyrusEndpointWrapper.SessionListener NO_SESSION_LISTENER = new TyrusEndpointWrapper.SessionListener() { };

    private AsyncConnect() {
    }

    private static Constructor<TyrusClientEngine> engineConstructor() {
        try {
            Constructor<TyrusClientEngine> c = TyrusClientEngine.class.getDeclaredConstructor(TyrusEndpointWrapper.class,
                    TyrusClientEngine.ClientHandshakeListener.class, Map.class, URI.class, DebugContext.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.SEVERE, "ws-gateway: Tyrus's client engine cannot be created (Tyrus version changed?)", e);
            return null;
        }
    }

    /**
     * The engine's field holding its handshake: the upgrade request with all its headers, kept by the engine, and
     * so by the connection, for as long as it lives, though nothing reads it after the 101. Null (nothing is let
     * go, which costs only memory) when a Tyrus version moved it.
     */
    private static Field handshakeField() {
        try {
            Field f = TyrusClientEngine.class.getDeclaredField("clientHandShake");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Tyrus's client engine keeps its handshake (field not found)", e);
            return null;
        }
    }

    /** Lets go of the engine's handshake once the session is open (Tyrus reads it only until then). */
    static void forgetHandshake(TyrusClientEngine engine) {
        if (HANDSHAKE == null || engine == null) {
            return;
        }
        try {
            HANDSHAKE.set(engine, null);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot let go of Tyrus's handshake", e);
        }
    }

    /** Throws when this Tyrus cannot be driven (its client engine's constructor moved). */
    public static void check() {
        if (ENGINE == null) {
            throw new IllegalStateException("ws-gateway: this Tyrus version's client engine cannot be created "
                    + "(TyrusClientEngine's constructor changed); see the log");
        }
    }

    /**
     * Connects {@code endpoint} to {@code uri}. The future completes with the open session (after the endpoint's
     * {@code onOpen}) or fails with Tyrus's or the transport's exception, from a transport thread, within
     * {@code timeoutMillis}. Cancelling it (or completing it yourself) abandons the connect: a session that opens
     * anyway is closed with 1001.
     *
     * @param properties Tyrus client properties (copied once, see {@link #engineProperties}: the same map must not
     *                   change); {@link BackendTransport#PROPERTY} is not needed
     * @param tls        trust for a {@code wss://} URI; null for the transport's
     * @param near       the loop to connect on (see {@link BackendTransport#open(org.glassfish.tyrus.spi.ClientEngine,
     *                   int, BackendTls, Loop)}); null for the transport's own threads
     */
    public static CompletableFuture<Session> open(BackendTransport transport, WebSocketContainer container,
                                                  Endpoint endpoint, ClientEndpointConfig config, URI uri,
                                                  Map<String, Object> properties, int timeoutMillis, BackendTls tls,
                                                  Loop near) {
        check();
        CompletableFuture<Session> result = new CompletableFuture<>();
        Handshake[] handshake = new Handshake[1];
        TyrusClientEngine[] created = new TyrusClientEngine[1];
        GatedEndpoint gated = new GatedEndpoint(endpoint, handshake);
        TyrusClientEngine.ClientHandshakeListener listener = new TyrusClientEngine.ClientHandshakeListener() {
            @Override
            public void onSessionCreated(Session session) {
                // the engine's last use of its handshake was just before this call
                forgetHandshake(created[0]);
                if (!result.complete(session)) {
                    closeAbandoned(session);
                }
            }

            @Override
            public void onError(Throwable exception) {
                result.completeExceptionally(exception);
            }
        };
        Map<String, Object> copied = engineProperties(properties, timeoutMillis);
        try {
            TyrusEndpointWrapper wrapper = new TyrusEndpointWrapper(gated, config, COMPONENTS, container,
                    uri.toString(), null, NO_SESSION_LISTENER, null, null, null);
            SharedWrapperParts.share(wrapper, config);
            TyrusClientEngine engine = ENGINE.newInstance(wrapper, listener, copied, uri, new DebugContext());
            created[0] = engine; // before the transport gets it: the listener runs on the transport's thread
            synchronized (handshake) {
                handshake[0] = transport.open(engine, timeoutMillis, tls, near);
            }
        } catch (DeploymentException | ReflectiveOperationException | RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        result.whenComplete((session, failure) -> {
            Handshake h;
            synchronized (handshake) {
                h = handshake[0];
            }
            if (failure != null && h != null) {
                h.abort(); // a no-op when the handshake itself failed; null once the session opened
            }
        });
        return result;
    }

    /**
     * The engine's properties: the caller's plus the handshake timeout, read-only. Tyrus keeps them for as long as
     * the session lives and only reads them, so connects with the same properties (the same map: it must not
     * change) and timeout share one copy: a few recent ones are remembered.
     */
    static Map<String, Object> engineProperties(Map<String, Object> properties, int timeoutMillis) {
        int slot = (System.identityHashCode(properties) * 31 + timeoutMillis) & (RECENT.length() - 1);
        EngineProperties recent = RECENT.get(slot);
        if (recent != null && recent.base() == properties && recent.timeoutMillis() == timeoutMillis) {
            return recent.properties();
        }
        Map<String, Object> copied = new HashMap<>(properties);
        copied.put(ClientProperties.HANDSHAKE_TIMEOUT, timeoutMillis);
        Map<String, Object> shared = Collections.unmodifiableMap(copied);
        RECENT.set(slot, new EngineProperties(properties, timeoutMillis, shared));
        return shared;
    }

    private record EngineProperties(Map<String, Object> base, int timeoutMillis, Map<String, Object> properties) {
    }

    /** Closes a session nobody waits for any more (1001). */
    public static void closeAbandoned(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "abandoned"));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing an abandoned backend session failed", e);
        }
    }

    /** The caller's endpoint, with the session's read gate put in its user properties before its onOpen runs. */
    private static final class GatedEndpoint extends Endpoint {
        private final Endpoint endpoint;
        private final Handshake[] handshake;

        GatedEndpoint(Endpoint endpoint, Handshake[] handshake) {
            this.endpoint = endpoint;
            this.handshake = handshake;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            Handshake h;
            synchronized (handshake) {
                h = handshake[0];
                handshake[0] = null; // the session lives on; the handshake is over
            }
            if (h != null && h.connection() != null) {
                session.getUserProperties().put(BackendTransport.READ_GATE, h.connection());
            }
            endpoint.onOpen(session, config);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            endpoint.onClose(session, closeReason);
        }

        @Override
        public void onError(Session session, Throwable thr) {
            endpoint.onError(session, thr);
        }
    }
}
