package dev.wsgateway.it;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Locale;
import java.util.TreeMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real backend of the end-to-end tests (a Tyrus server in the test JVM). Echoes every message part by
 * part, supports two subprotocols, and obeys a few commands sent as whole text messages:
 * {@code !close <code> <reason>} closes with that code, {@code !uri} answers the path and query it was opened
 * with, {@code !headers} answers the handshake's headers (one {@code name: value} line each, names in lower case), {@code !protocol} answers the negotiated subprotocol, {@code !frame N} sends N bytes as one frame.
 */
@ServerEndpoint(value = "/echo", subprotocols = {"chat.v2", "chat.v1"}, configurator = EchoBackend.HeaderCapture.class)
public class EchoBackend {
    /** Sessions are numbered as they open, so a test can tell its own sessions from earlier tests'. */
    static final AtomicLong SESSIONS = new AtomicLong();
    /** Every close the backend saw, in order, with the number of the session: what the gateway told the backend. */
    static final BlockingQueue<Event<CloseReason>> CLOSES = new LinkedBlockingQueue<>();
    /** The path and query of every session opened, in order. */
    static final BlockingQueue<Event<String>> OPENED = new LinkedBlockingQueue<>();

    record Event<T>(long session, T value) {
    }

    private static final String HEADERS = "test.handshake.headers";
    private final long number = SESSIONS.incrementAndGet();

    /** Keeps the handshake's headers for {@code !headers}. */
    public static class HeaderCapture extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            StringBuilder lines = new StringBuilder();
            new TreeMap<>(request.getHeaders()).forEach((name, values) -> values.forEach(v ->
                    lines.append(name.toLowerCase(Locale.ROOT)).append(": ").append(v).append('\n')));
            sec.getUserProperties().put(HEADERS, lines.toString());
        }
    }
    private Session session;
    private boolean inFragmentedMessage;

    @OnOpen
    public void open(Session session) {
        this.session = session;
        session.setMaxTextMessageBufferSize(64 * 1024 * 1024);
        session.setMaxBinaryMessageBufferSize(64 * 1024 * 1024);
        OPENED.add(new Event<>(number, pathAndQuery(session)));
    }

    @OnMessage
    public void text(String part, boolean last) throws IOException {
        if (!inFragmentedMessage && last && part.startsWith("!")) {
            command(part);
            return;
        }
        inFragmentedMessage = !last;
        session.getBasicRemote().sendText(part, last);
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) throws IOException {
        session.getBasicRemote().sendBinary(part, last);
    }

    @OnClose
    public void close(CloseReason reason) {
        CLOSES.add(new Event<>(number, reason));
    }

    /**
     * The path and query the backend was opened with, as sent. (Tyrus's {@code getRequestURI()} shows the
     * query with some escapes decoded, so the raw query string is taken instead.)
     */
    static String pathAndQuery(Session session) {
        String query = session.getQueryString();
        return session.getRequestURI().getRawPath() + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    private void command(String command) throws IOException {
        if (command.startsWith("!close ")) {
            String[] parts = command.split(" ", 3);
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(parts[1])),
                    parts.length > 2 ? parts[2] : ""));
        } else if (command.equals("!uri")) {
            session.getBasicRemote().sendText(EchoBackend.pathAndQuery(session));
        } else if (command.startsWith("!frame ")) {
            // one binary message of N bytes, sent whole (a single frame)
            byte[] data = new byte[Integer.parseInt(command.substring(7))];
            java.util.Arrays.fill(data, (byte) 7);
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(data));
        } else if (command.equals("!headers")) {
            session.getBasicRemote().sendText(String.valueOf(session.getUserProperties().get(HEADERS)));
        } else if (command.equals("!protocol")) {
            session.getBasicRemote().sendText(session.getNegotiatedSubprotocol());
        } else {
            session.getBasicRemote().sendText(command);
        }
    }
}
