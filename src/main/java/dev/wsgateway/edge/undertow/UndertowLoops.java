package dev.wsgateway.edge.undertow;

import dev.wsgateway.upstream.transport.Loop;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.XnioIoThread;

/**
 * Colocation on Undertow (WildFly): the backend connection of a handshake goes on the I/O thread of the client's
 * connection, as Reactor Netty's colocated event loops do under Spring Cloud Gateway. One {@link XnioLoop} per
 * I/O thread, made when first asked for. Only ever loaded on Undertow ({@link UndertowReads#isUndertow}).
 */
public final class UndertowLoops {
    private final Map<XnioIoThread, Loop> loops = new ConcurrentHashMap<>();

    /** The loop of the connection whose request the calling thread handles, or null outside a request. */
    public Loop current() {
        ServletRequestContext context = ServletRequestContext.current();
        HttpServerExchange exchange = context == null ? null : context.getExchange();
        XnioIoThread thread = exchange == null ? null : exchange.getIoThread();
        return thread == null ? null : loops.computeIfAbsent(thread, XnioLoop::new);
    }
}
