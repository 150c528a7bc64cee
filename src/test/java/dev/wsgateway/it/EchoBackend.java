package dev.wsgateway.it;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The real backend of the end-to-end tests (a Tyrus server in the test JVM). Echoes every message part by
 * part, supports two subprotocols, and obeys a few commands sent as whole text messages:
 * {@code !close <code> <reason>} closes with that code, {@code !uri} answers the request URI it was opened
 * with, {@code !protocol} answers the negotiated subprotocol.
 */
@ServerEndpoint(value = "/echo", subprotocols = {"chat.v2", "chat.v1"})
public class EchoBackend {
    /** Every close the backend saw, in order: what the gateway told the backend. */
    static final BlockingQueue<CloseReason> CLOSES = new LinkedBlockingQueue<>();
    /** The request URI of every session opened, in order. */
    static final BlockingQueue<String> OPENED = new LinkedBlockingQueue<>();

    private Session session;
    private boolean inFragmentedMessage;

    @OnOpen
    public void open(Session session) {
        this.session = session;
        session.setMaxTextMessageBufferSize(64 * 1024 * 1024);
        session.setMaxBinaryMessageBufferSize(64 * 1024 * 1024);
        OPENED.add(session.getRequestURI().toString());
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
        CLOSES.add(reason);
    }

    private void command(String command) throws IOException {
        if (command.startsWith("!close ")) {
            String[] parts = command.split(" ", 3);
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(parts[1])),
                    parts.length > 2 ? parts[2] : ""));
        } else if (command.equals("!uri")) {
            session.getBasicRemote().sendText(session.getRequestURI().toString());
        } else if (command.equals("!protocol")) {
            session.getBasicRemote().sendText(session.getNegotiatedSubprotocol());
        } else {
            session.getBasicRemote().sendText(command);
        }
    }
}
