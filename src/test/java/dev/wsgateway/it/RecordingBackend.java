package dev.wsgateway.it;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that records, per session and in order, every frame it receives (text or binary part, with its
 * {@code last} flag, and pongs) and its close, so a test can assert exactly what crossed the gateway towards the
 * backend: which messages, in how many frames, and that nothing came between them and a later pong or close (the
 * relay keeps a direction's frames in order, pongs included, and message policies do not see pongs: a client's
 * pong is a barrier that passes any policy). It echoes every part back as a part (as
 * {@link EchoBackend}) and obeys two commands sent as whole text messages, which it does not record:
 * {@code !send N SIZE} sends N text messages of SIZE characters ({@code 1:xxxx}, {@code 2:xxxx}, ...), and
 * {@code !close CODE REASON} closes. Its sessions share {@link EchoBackend}'s numbering and queues of opens and
 * closes, so {@link TestBackend#nextOpenedSession()} and {@link TestBackend#nextClose()} see them too.
 */
@ServerEndpoint("/record")
public class RecordingBackend {
    /** What the backend received: a text part, a binary part (its length), a pong (its data as text), or the close. */
    record Received(String text, int binaryLength, boolean last, CloseReason close, String pong) {
        static Received text(String text, boolean last) {
            return new Received(text, -1, last, null, null);
        }

        boolean isPong(String data) {
            return data.equals(pong);
        }

        boolean isClose() {
            return close != null;
        }

        @Override
        public String toString() {
            return isClose() ? "close " + close.getCloseCode().getCode() + " " + close.getReasonPhrase()
                    : pong != null ? "pong " + pong
                    : (text != null ? "text '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'"
                            : "binary " + binaryLength) + (last ? "" : " (part)");
        }
    }

    private static final Map<Long, List<Received>> RECEIVED = new ConcurrentHashMap<>();

    private final long number = EchoBackend.SESSIONS.incrementAndGet();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private Session session;
    private boolean inFragmentedMessage;

    /** What session {@code number} received so far, in order (a copy). */
    static List<Received> received(long number) {
        List<Received> list = RECEIVED.get(number);
        return list == null ? List.of() : new ArrayList<>(list);
    }

    /** Every text message session {@code number} received, its parts joined. */
    static List<String> texts(long number) {
        List<String> texts = new ArrayList<>();
        StringBuilder message = new StringBuilder();
        for (Received r : received(number)) {
            if (r.text() != null) {
                message.append(r.text());
                if (r.last()) {
                    texts.add(message.toString());
                    message.setLength(0);
                }
            }
        }
        return texts;
    }

    /**
     * Everything session {@code number} received up to and including its close, waiting for the close at most
     * 30 s.
     */
    static List<Received> receivedUntilClosed(long number) throws Exception {
        Await.until("backend session " + number + " closed", java.time.Duration.ofSeconds(30),
                () -> received(number).stream().anyMatch(Received::isClose));
        return received(number);
    }

    /**
     * Everything session {@code number} received up to and including the pong with {@code data}, waiting for it at
     * most 30 s.
     */
    static List<Received> receivedUntilPong(long number, String data) throws Exception {
        Await.until("backend session " + number + " received the pong " + data, java.time.Duration.ofSeconds(30),
                () -> received(number).stream().anyMatch(r -> r.isPong(data)));
        List<Received> all = received(number);
        int end = 0;
        while (!all.get(end).isPong(data)) {
            end++;
        }
        return all.subList(0, end + 1);
    }

    @OnOpen
    public void open(Session session) {
        this.session = session;
        session.setMaxTextMessageBufferSize(64 * 1024 * 1024);
        session.setMaxBinaryMessageBufferSize(64 * 1024 * 1024);
        RECEIVED.put(number, received);
        EchoBackend.OPENED.add(new EchoBackend.Event<>(number, EchoBackend.pathAndQuery(session)));
    }

    @OnMessage
    public void text(String part, boolean last) throws IOException {
        if (!inFragmentedMessage && last && part.startsWith("!")) {
            command(part);
            return;
        }
        inFragmentedMessage = !last;
        received.add(Received.text(part, last));
        session.getBasicRemote().sendText(part, last);
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) throws IOException {
        received.add(new Received(null, part.remaining(), last, null, null));
        session.getBasicRemote().sendBinary(part, last);
    }

    @OnMessage
    public void pong(PongMessage pong) {
        received.add(new Received(null, -1, true, null,
                StandardCharsets.UTF_8.decode(pong.getApplicationData().duplicate()).toString()));
    }

    @OnClose
    public void close(CloseReason reason) {
        received.add(new Received(null, -1, true, reason, null));
        EchoBackend.CLOSES.add(new EchoBackend.Event<>(number, reason));
    }

    private void command(String command) throws IOException {
        String[] parts = command.split(" ", 3);
        if (parts[0].equals("!send")) {
            int count = Integer.parseInt(parts[1]);
            int size = Integer.parseInt(parts[2]);
            try {
                for (int i = 1; i <= count; i++) {
                    session.getBasicRemote().sendText(numbered(i, size));
                }
            } catch (IOException closedMeanwhile) {
                // the gateway closed this session (a test's policy did): the close is recorded by close()
            }
        } else if (parts[0].equals("!close")) {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(parts[1])),
                    parts.length > 2 ? parts[2] : ""));
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
    }

    /** Message {@code i} of {@code !send}: {@code i:} and then x up to {@code size} characters. */
    static String numbered(int i, int size) {
        String head = i + ":";
        return head + "x".repeat(Math.max(0, size - head.length()));
    }
}
