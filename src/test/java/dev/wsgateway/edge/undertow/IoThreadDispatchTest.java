package dev.wsgateway.edge.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.servlet.spec.AsyncContextImpl;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IoThreadDispatch} in a real Undertow servlet deployment: which thread runs an async dispatch, and that
 * every dispatch runs, whatever thread makes it and whenever. The deployment finds the extension as WildFly's
 * does, through {@code META-INF/services/io.undertow.servlet.ServletExtension}.
 */
class IoThreadDispatchTest {
    private static Undertow server;
    private static DeploymentManager manager;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Goes async, then dispatches as {@code ?from=} says; the dispatched pass answers with the thread it ran on. */
    public static class DispatchingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                HttpServerExchange exchange = ServletRequestContext.current().getExchange();
                response.getWriter().print(Thread.currentThread() == exchange.getIoThread() ? "io-thread" : "worker");
                return;
            }
            AsyncContext async = request.startAsync();
            Object exchange = IoThreadDispatch.currentExchange();
            HttpServerExchange x = (HttpServerExchange) exchange;
            switch (request.getParameter("from")) {
                // the backend answered on the client's I/O thread, after the request's first pass returned
                case "io-thread" -> x.getIoThread().execute(new Runnable() {
                    @Override
                    public void run() {
                        if (((AsyncContextImpl) async).isInitialRequestDone()) {
                            IoThreadDispatch.dispatch(async, exchange);
                        } else {
                            x.getIoThread().executeAfter(this, 1, TimeUnit.MILLISECONDS);
                        }
                    }
                });
                // the backend answered before the first pass returned: Undertow holds the dispatch until it has
                case "first-pass" -> IoThreadDispatch.dispatch(async, exchange);
                // a thread of neither kind (the transport's selector threads when not colocated)
                case "other-thread" -> new Thread(() -> IoThreadDispatch.dispatch(async, exchange)).start();
                default -> throw new IllegalArgumentException(request.getParameter("from"));
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(IoThreadDispatchTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("io-thread-dispatch.war")
                .addServlet(Servlets.servlet("dispatching", DispatchingServlet.class)
                        .addMapping("/dispatch").setAsyncSupported(true));
        manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(manager.start()).build();
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        manager.stop();
        manager.undeploy();
    }

    private static String dispatchFrom(String from) throws Exception {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/dispatch?from=" + from))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aDispatchFromTheExchangesIoThreadRunsThere() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals("io-thread", dispatchFrom("io-thread"));
        }
    }

    @Test
    void aDispatchHeldUntilTheFirstPassReturnedRunsOnAWorker() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals("worker", dispatchFrom("first-pass"));
        }
    }

    @Test
    void aDispatchFromAnotherThreadRunsOnAWorker() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals("worker", dispatchFrom("other-thread"));
        }
    }
}
