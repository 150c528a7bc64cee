package dev.wsgateway.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The keepalive of one pair: when each side was last heard from, and whether a ping of the gateway's own is
 * waiting for its pong. A side silent for the interval gets a ping; a side that does not answer within the
 * interval again is gone (a half-open connection, or a server that does not report a vanished client).
 */
final class Keepalive {
    /** Payload of the gateway's own keepalive pings: the pongs that answer them are the gateway's, not relayed. */
    private static final byte[] PAYLOAD = "ws-gateway keepalive".getBytes(StandardCharsets.US_ASCII);

    /** What to do about one side now. */
    enum Step { NOTHING, PING, GONE }

    // Per side, written by the sides' reading threads and the session timer. Plain volatile fields rather than
    // two AtomicLongArrays: every pair has one of these for its whole life.
    private volatile long clientHeardNanos = System.nanoTime();
    private volatile long backendHeardNanos = clientHeardNanos;
    /** 0 when no ping of the gateway's own waits for its pong. */
    private volatile long clientPingSentNanos;
    private volatile long backendPingSentNanos;

    /** The side sent something (a frame or a pong). */
    void heard(Side side, long nowNanos) {
        if (side == Side.CLIENT) {
            clientHeardNanos = nowNanos;
        } else {
            backendHeardNanos = nowNanos;
        }
    }

    private long lastHeardNanos(Side side) {
        return side == Side.CLIENT ? clientHeardNanos : backendHeardNanos;
    }

    private long pingSentNanos(Side side) {
        return side == Side.CLIENT ? clientPingSentNanos : backendPingSentNanos;
    }

    private void pingSentNanos(Side side, long nanos) {
        if (side == Side.CLIENT) {
            clientPingSentNanos = nanos;
        } else {
            backendPingSentNanos = nanos;
        }
    }

    /** Whether this pong answers the gateway's own ping (then it is the gateway's, and the ping is answered). */
    boolean answers(Side side, ByteBuffer applicationData) {
        if (!applicationData.equals(ByteBuffer.wrap(PAYLOAD))) {
            return false;
        }
        pingSentNanos(side, 0);
        return true;
    }

    /** The step due for {@code side} at {@code nowNanos}; PING means a ping is now counted as sent. */
    Step check(Side side, long nowNanos, long intervalNanos) {
        long pingSent = pingSentNanos(side);
        if (pingSent != 0) {
            return nowNanos - pingSent > intervalNanos ? Step.GONE : Step.NOTHING;
        }
        if (nowNanos - lastHeardNanos(side) >= intervalNanos) {
            pingSentNanos(side, nowNanos);
            return Step.PING;
        }
        return Step.NOTHING;
    }

    /** The ping due could not go (the side was busy receiving): it is not waited for, and tried next time. */
    void pingSkipped(Side side) {
        pingSentNanos(side, 0);
    }

    /**
     * The payload of the gateway's keepalive pings: a fresh, writable copy each time (Open Liberty's socket
     * layer cannot write a read-only buffer).
     */
    static ByteBuffer payload() {
        return ByteBuffer.wrap(PAYLOAD.clone());
    }
}
