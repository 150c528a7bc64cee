package dev.wsgateway.upstream.transport;

import dev.wsgateway.edge.undertow.XnioLoop;
import dev.wsgateway.edge.undertow.XnioWire;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * Every test of {@link BackendTransportTest}, with the backend connections on an XNIO I/O thread through the
 * Undertow adapter ({@link XnioLoop}), as they are on WildFly when colocated with their clients' connections.
 */
class XnioLoopTransportTest extends BackendTransportTest {
    private static XnioWorker worker;
    private static XnioIoThread thread;
    private static XnioLoop loop;

    @BeforeAll
    static void startWorker() throws IOException {
        worker = Xnio.getInstance("nio", XnioLoopTransportTest.class.getClassLoader())
                .createWorker(OptionMap.builder().set(Options.WORKER_IO_THREADS, 1).set(Options.WORKER_NAME, "xnio-test")
                        .set(Options.THREAD_DAEMON, true).getMap());
        thread = worker.getIoThread();
        loop = new XnioLoop(thread);
    }

    @AfterAll
    static void stopWorker() {
        worker.shutdownNow();
    }

    @Override
    Loop near() {
        return loop;
    }

    @Override
    boolean isLoopThread(Thread t) {
        return t == thread;
    }

    @Override
    boolean noDelay(Wire wire) throws IOException {
        return ((XnioWire) wire).streamConnection().getOption(Options.TCP_NODELAY);
    }
}
