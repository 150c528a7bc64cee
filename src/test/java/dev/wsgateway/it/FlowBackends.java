package dev.wsgateway.it;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** Backends for the flow-control tests: one that floods its client, one that stops reading until released. */
final class FlowBackends {
    private FlowBackends() {
    }

    /** Message {@code index} of {@code size} bytes: the index in the first 8 bytes, then a pattern of it. */
    static ByteBuffer numbered(long index, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(index);
        while (b.hasRemaining()) {
            b.put((byte) (index + b.position()));
        }
        return b.flip();
    }

    /** Whether {@code message} is exactly message {@code index} of its size. */
    static boolean isNumbered(ByteBuffer message, long index) {
        return message.remaining() >= 8 && numbered(index, message.remaining()).equals(message);
    }

    /**
     * On "N SIZE", sends N numbered binary messages of SIZE bytes, each once the one before it was written. The
     * first send that is not written within 3 s (its client is held back) records the bytes written before it.
     */
    @ServerEndpoint("/flood")
    public static class Flood {
        static final AtomicLong BYTES_BEFORE_HELD = new AtomicLong();
        static volatile CountDownLatch held = new CountDownLatch(1);
        static volatile CountDownLatch done = new CountDownLatch(1);

        static void reset() {
            BYTES_BEFORE_HELD.set(0);
            held = new CountDownLatch(1);
            done = new CountDownLatch(1);
        }

        @OnMessage
        public void command(Session session, String command) {
            String[] parts = command.split(" ");
            int count = Integer.parseInt(parts[0]);
            int size = Integer.parseInt(parts[1]);
            Thread sender = new Thread(() -> {
                long written = 0;
                try {
                    for (int i = 0; i < count; i++) {
                        Future<Void> send = session.getAsyncRemote().sendBinary(numbered(i, size));
                        if (held.getCount() > 0) {
                            try {
                                send.get(3, TimeUnit.SECONDS);
                            } catch (TimeoutException e) {
                                BYTES_BEFORE_HELD.set(written);
                                held.countDown();
                            }
                        }
                        send.get(60, TimeUnit.SECONDS);
                        written += size;
                    }
                    done.countDown();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "flood-backend");
            sender.setDaemon(true);
            sender.start();
        }
    }

    /**
     * Reads nothing after the first message until released (the handler waits, so Tyrus reads no further), then
     * checks every whole binary message against its number.
     */
    @ServerEndpoint("/slow")
    public static class SlowReader {
        static final AtomicLong MESSAGES = new AtomicLong();
        static final AtomicLong WRONG = new AtomicLong();
        static volatile CountDownLatch release = new CountDownLatch(1);

        static void reset() {
            MESSAGES.set(0);
            WRONG.set(0);
            release = new CountDownLatch(1);
        }

        @OnOpen
        public void open(Session session) {
            session.setMaxBinaryMessageBufferSize(1 << 20);
        }

        @OnMessage
        public void binary(ByteBuffer message) throws InterruptedException {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            if (!isNumbered(message, MESSAGES.get())) {
                WRONG.incrementAndGet();
            }
            MESSAGES.incrementAndGet();
        }
    }
}
