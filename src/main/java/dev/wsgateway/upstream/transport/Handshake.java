package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.spi.ClientEngine;
import org.glassfish.tyrus.spi.ClientEngine.ClientUpgradeInfo;
import org.glassfish.tyrus.spi.UpgradeRequest;

/**
 * One opening handshake driven for Tyrus's {@link ClientEngine}: a connection per upgrade request (a redirect or
 * an authentication retry asks for another), one deadline over all of them, and one outcome: the engine hears of
 * success or of exactly one failure. Runs on one {@link Loop}, except for {@link #start} and {@link #abort}.
 */
public final class Handshake implements ClientEngine.TimeoutHandler {
    private static final Logger LOG = Logger.getLogger(Handshake.class.getName());
    private final BackendTransport transport;
    private final Loop loop;
    private final ClientEngine engine;
    private final BackendTls tls;
    private final int timeoutMillis;
    private final long deadline;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile BackendConnection current;
    private Loop.Timer timer;

    Handshake(BackendTransport transport, Loop loop, ClientEngine engine, BackendTls tls, int timeoutMillis) {
        this.transport = transport;
        this.loop = loop;
        this.engine = engine;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** The connection being upgraded (or upgraded): the read gate of the session it opens. */
    BackendConnection connection() {
        return current;
    }

    /** Asks the engine for its request and starts connecting (resolving the host on the calling thread). */
    void start() throws IOException {
        UpgradeRequest request = engine.createUpgradeRequest(this);
        if (request == null) {
            finished.set(true); // the engine has reported why
            return;
        }
        loop.execute(() -> {
            if (!finished.get()) {
                timer = loop.schedule(deadline, this::expire);
            }
        });
        connect(request);
    }

    private void connect(UpgradeRequest request) throws IOException {
        URI uri = request.getRequestURI();
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        if (host == null) {
            throw new UnknownHostException("the backend URI has no host: " + uri.getScheme() + "://" + uri.getRawAuthority());
        }
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetSocketAddress address = new InetSocketAddress(bareHost, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        BackendConnection connection = new BackendConnection(loop, this, transport,
                secure ? (tls != null ? tls : transport.defaultTls()).engine(host, port) : null,
                UpgradeMessages.request(request));
        current = connection;
        transport.track(connection);
        if (finished.get()) {
            connection.closeNow(); // abandoned before it started
            return;
        }
        connection.connect(address); // abandoned meanwhile: the wire is closed, the connect fails unheard
    }

    /** On the loop: the backend answered the upgrade on {@code connection}; {@code rest} is what followed. */
    void responded(BackendConnection connection, TyrusUpgradeResponse response, ByteBuffer rest) {
        if (connection != current || finished.get()) {
            connection.closeNow();
            return;
        }
        ClientUpgradeInfo info;
        try {
            info = engine.processResponse(response, connection, reason -> connection.close());
        } catch (RuntimeException e) {
            failed(connection, e);
            return;
        }
        switch (info.getUpgradeStatus()) {
            case SUCCESS -> {
                finish();
                connection.opened(info.createConnection(), rest);
            }
            case ANOTHER_UPGRADE_REQUEST_REQUIRED -> {
                connection.closeNow();
                UpgradeRequest next;
                try {
                    next = engine.createUpgradeRequest(this);
                } catch (RuntimeException e) {
                    failed(connection, e);
                    return;
                }
                if (next == null) {
                    finish(); // the engine has reported why
                    return;
                }
                try {
                    connect(next);
                } catch (IOException | RuntimeException e) {
                    failed(connection, e);
                }
            }
            default -> {
                finish(); // the engine has reported why
                connection.closeNow();
            }
        }
    }

    /** A connection of this handshake failed before the upgrade; reported once, later ones are ignored. */
    void failed(BackendConnection connection, Throwable cause) {
        connection.closeNow();
        if (connection != current || !finish()) {
            return;
        }
        try {
            engine.processError(cause);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "the client engine refused an error report", e);
        }
    }

    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        if (loop.inLoop() && timer != null) {
            timer.cancel();
        } else {
            loop.execute(() -> {
                if (timer != null) {
                    timer.cancel();
                }
            });
        }
        return true;
    }

    private void expire() {
        BackendConnection connection = current;
        if (connection == null || finished.get()) {
            return;
        }
        String what = connection.phase() == BackendConnection.Phase.CONNECTING ? "accepted the connection"
                : connection.phase() == BackendConnection.Phase.TLS ? "completed the TLS handshake"
                : "answered the upgrade";
        failed(connection, new SocketTimeoutException("the backend has not " + what + " within " + timeoutMillis + " ms"));
    }

    /** Gives up (the caller no longer waits): the connection closes; the engine hears of a cancellation. */
    public void abort() {
        loop.execute(() -> {
            BackendConnection connection = current;
            if (connection != null) {
                failed(connection, new CancellationException("the connect was abandoned"));
            } else if (finish()) {
                engine.processError(new CancellationException("the connect was abandoned"));
            }
        });
    }

    /** Tyrus's {@code ClientManager} stopped waiting (its own timeout): let go of the connection. */
    @Override
    public void handleTimeout() {
        loop.execute(() -> {
            BackendConnection connection = current;
            finish();
            if (connection != null) {
                connection.closeNow();
            }
        });
    }

    /** Fails the handshake because connecting failed before any connection existed. */
    void failedToStart(Throwable cause) {
        if (finish()) {
            engine.processError(cause);
        }
    }
}
