package dev.wsgateway.edge.undertow;

import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.handlers.ServletRequestContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import java.util.concurrent.Executor;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * On Undertow (WildFly): the async dispatch that finishes a handshake runs on the client connection's own I/O
 * thread when the backend answered there (colocation), instead of one more hand-off to a worker thread.
 *
 * <p>Undertow runs every task of an async request (a dispatch, a timeout, async I/O) on the deployment's async
 * executor, which WildFly leaves unset, so a worker of the connection's XNIO worker runs it. This extension
 * (registered in {@code META-INF/services/io.undertow.servlet.ServletExtension}, loaded by WildFly only) makes
 * itself that executor: a dispatch made through {@link #dispatch} from the exchange's I/O thread runs at once on
 * that thread; every other task goes to the XNIO worker, as before. Only handshakes the backend accepted are
 * dispatched this way: their dispatch upgrades (nothing blocks: no body, the 101 fits in the socket's buffer),
 * while a refusal writes a body through the blocking servlet stream and so still goes to a worker.
 *
 * <p>A deployment that already has an executor of its own keeps it, and dispatches then go there.
 */
public final class IoThreadDispatch implements ServletExtension, Executor {
    /** The exchange whose dispatch the calling thread is making inline, for the one {@link #execute} it causes. */
    private static final ThreadLocal<HttpServerExchange> INLINE = new ThreadLocal<>();
    /**
     * The XNIO worker of the latest request, for a task from a thread that names none: a dispatch Undertow held
     * until the request's first pass returned runs from that pass's worker thread, outside the request's context.
     * WildFly's listeners share one worker unless configured otherwise; with several, such a task may run on
     * another listener's worker, never on no thread.
     */
    private static volatile XnioWorker lastWorker;
    private static volatile boolean installed;

    @Override
    public void handleDeployment(DeploymentInfo deploymentInfo, ServletContext servletContext) {
        if (deploymentInfo.getAsyncExecutor() == null && deploymentInfo.getExecutor() == null) {
            deploymentInfo.setAsyncExecutor(new IoThreadDispatch());
            deploymentInfo.addInitialHandlerChainWrapper(next -> exchange -> {
                XnioWorker worker = exchange.getConnection().getWorker();
                if (lastWorker != worker) {
                    lastWorker = worker;
                }
                next.handleRequest(exchange);
            });
            installed = true;
        }
    }

    /** The exchange of the request the calling thread handles, to pass to {@link #dispatch} later; null outside one. */
    public static Object currentExchange() {
        ServletRequestContext context = ServletRequestContext.current();
        if (context == null) {
            return null;
        }
        return context.getExchange();
    }

    /**
     * {@code async.dispatch()}, run on the calling thread if that is the I/O thread of {@code exchange} (from
     * {@link #currentExchange}) and this executor is the deployment's, else handed to a worker as usual.
     */
    public static void dispatch(AsyncContext async, Object exchange) {
        if (!installed || !(exchange instanceof HttpServerExchange x) || Thread.currentThread() != x.getIoThread()) {
            async.dispatch();
            return;
        }
        INLINE.set(x);
        try {
            async.dispatch(); // Undertow calls execute at once, unless the request's first pass has not returned yet
        } finally {
            INLINE.remove();
        }
    }

    @Override
    public void execute(Runnable task) {
        HttpServerExchange inline = INLINE.get();
        if (inline != null) {
            INLINE.remove(); // the dispatch's own task only: what it starts goes the usual way
            task.run();
            return;
        }
        worker().execute(task);
    }

    /** Undertow's default: the exchange's XNIO worker, found from the calling thread. */
    private static XnioWorker worker() {
        if (Thread.currentThread() instanceof XnioIoThread io) {
            return io.getWorker();
        }
        ServletRequestContext context = ServletRequestContext.current();
        if (context != null) {
            return context.getExchange().getConnection().getWorker();
        }
        return lastWorker; // set by the request that started the async processing
    }
}
