package dev.wsgateway.upstream;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.core.ExecutorServiceProvider;

/**
 * The container Tyrus gives the gateway's backend sessions (Tyrus's public hook for wrapping a client manager,
 * {@link ClientManager#createClient(String, WebSocketContainer)}): the manager's settings, plus the scheduler
 * behind each session's own timers.
 *
 * <p>Why a scheduler of our own: Tyrus 2.1 restarts a session's idle-timeout timer on every message received
 * and sent, also when the timeout is off (0), and then schedules the check with no delay. On a container's
 * managed scheduler that is a task hand-off, and a thread woken, for every relayed message: about 13% of the
 * gateway's CPU in the benchmark (50 connections, 1 KiB). Here a task due at once runs at once, on the calling thread
 * (for a timeout of 0 the check does nothing); tasks with a delay, should a session ever have one, go to a
 * real timer thread. The relay's own idle timeout and keepalive do not depend on any of this.
 */
final class BackendSessionContainer extends ExecutorServiceProvider implements WebSocketContainer {
    private final Timers timers = new Timers();
    private volatile ClientManager manager;
    private volatile long asyncSendTimeout;
    private volatile long maxSessionIdleTimeout;
    private volatile int maxBinaryMessageBufferSize = Integer.MAX_VALUE;
    private volatile int maxTextMessageBufferSize = Integer.MAX_VALUE;

    /** The manager this container stands for (created with it, so set once right after). */
    void attach(ClientManager clientManager) {
        this.manager = clientManager;
    }

    void shutdown() {
        timers.shutdownNow();
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
        return timers;
    }

    @Override
    public ExecutorService getExecutorService() {
        return manager.getExecutorService();
    }

    @Override
    public long getDefaultAsyncSendTimeout() {
        return asyncSendTimeout;
    }

    @Override
    public void setAsyncSendTimeout(long timeoutmillis) {
        this.asyncSendTimeout = timeoutmillis;
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return maxSessionIdleTimeout;
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long timeout) {
        this.maxSessionIdleTimeout = timeout;
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return maxBinaryMessageBufferSize;
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        this.maxBinaryMessageBufferSize = max;
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return maxTextMessageBufferSize;
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        this.maxTextMessageBufferSize = max;
    }

    @Override
    public Set<Extension> getInstalledExtensions() {
        return Set.of(); // what a client manager without a wrapped container answers (it asks us)
    }

    @Override
    public Session connectToServer(Object annotatedEndpointInstance, URI path) throws DeploymentException, IOException {
        return manager.connectToServer(annotatedEndpointInstance, path);
    }

    @Override
    public Session connectToServer(Class<?> annotatedEndpointClass, URI path) throws DeploymentException, IOException {
        return manager.connectToServer(annotatedEndpointClass, path);
    }

    @Override
    public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return manager.connectToServer(endpointInstance, cec, path);
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig cec, URI path)
            throws DeploymentException, IOException {
        return manager.connectToServer(endpointClass, cec, path);
    }

    /** A timer thread for delayed tasks; a task due now runs on the caller's thread instead of waking it. */
    static final class Timers extends ScheduledThreadPoolExecutor {
        Timers() {
            super(1, r -> {
                Thread t = new Thread(r, "ws-gateway-backend-timers");
                t.setDaemon(true);
                return t;
            });
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay > 0) {
                return super.schedule(command, delay, unit);
            }
            command.run();
            return Done.INSTANCE;
        }
    }

    /** The future of a task that already ran. */
    private static final class Done implements ScheduledFuture<Object> {
        static final Done INSTANCE = new Done();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
