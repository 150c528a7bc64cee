package dev.wsgateway.upstream;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.core.Utils;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The container the tests' Tyrus {@link org.glassfish.tyrus.server.Server}s (the backends) run in, registered in
 * {@code META-INF/services}. Tyrus's own Grizzly container listens on every interface (0.0.0.0) whatever host the
 * server is given, and test backends on this machine must listen on loopback only: this is the same Grizzly
 * HTTP server with Tyrus's WebSocket add-on, its listener bound to 127.0.0.1.
 */
public final class LoopbackServerContainerFactory extends ServerContainerFactory {
    static final String HOST = "127.0.0.1";
    /**
     * A server property: the test key store (a resource path under {@code /tls}, password {@code changeit}) whose
     * key and certificate the server presents; the server then speaks TLS only ({@code wss://}).
     */
    public static final String KEY_STORE = "test.loopback.keyStore";

    @Override
    public ServerContainer createContainer(Map<String, Object> properties) {
        return new LoopbackContainer(properties == null ? Map.of() : new HashMap<>(properties));
    }

    private static final class LoopbackContainer extends TyrusServerContainer {
        private final WebSocketEngine engine;
        private final String keyStore;
        private volatile String contextPath;
        private volatile HttpServer server;
        private volatile NetworkListener listener;

        LoopbackContainer(Map<String, Object> properties) {
            super((Set<Class<?>>) null);
            keyStore = (String) properties.get(KEY_STORE);
            engine = TyrusWebSocketEngine.builder(this)
                    .incomingBufferSize(Utils.getProperty(properties, TyrusWebSocketEngine.INCOMING_BUFFER_SIZE,
                            Integer.class))
                    .build();
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            engine.register(endpointClass, contextPath);
        }

        @Override
        public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
            engine.register(serverEndpointConfig, contextPath);
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public void start(String rootPath, int port) throws IOException, DeploymentException {
            contextPath = rootPath;
            listener = new NetworkListener("loopback", HOST, port);
            listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
            listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
            listener.registerAddOn(webSocketAddOn(this, rootPath));
            if (keyStore != null) {
                listener.setSecure(true);
                listener.setSSLEngineConfig(new SSLEngineConfigurator(serverContext(keyStore), false, false, false));
            }
            server = new HttpServer();
            server.addListener(listener);
            server.start();
            super.start(rootPath, port);
        }

        @Override
        public int getPort() {
            return listener != null && listener.getPort() > 0 ? listener.getPort() : -1;
        }

        @Override
        public void stop() {
            super.stop();
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    /** A TLS server context with the key in a test key store (see src/test/resources/tls). */
    public static SSLContext serverContext(String keyStore) throws IOException {
        try (InputStream in = LoopbackServerContainerFactory.class.getResourceAsStream(keyStore)) {
            if (in == null) {
                throw new IOException("no test key store " + keyStore);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, "changeit".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the test key store " + keyStore, e);
        }
    }

    /** Tyrus's add-on is public, its constructor is not (it is meant for alternatives such as this one). */
    private static AddOn webSocketAddOn(ServerContainer container, String contextPath) throws DeploymentException {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(container, contextPath);
        } catch (ReflectiveOperationException e) {
            throw new DeploymentException("cannot create Tyrus's Grizzly WebSocket add-on", e);
        }
    }
}
