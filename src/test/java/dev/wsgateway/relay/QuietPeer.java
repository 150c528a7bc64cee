package dev.wsgateway.relay;

import java.nio.ByteBuffer;

/** A side for tests: takes every frame at once (subclasses record them) and ignores closes. */
public class QuietPeer implements Peer {
    @Override
    public void sendText(String part, boolean last, Sent sent) {
        sent.completed(null);
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last, Sent sent) {
        sent.completed(null);
    }

    @Override
    public void sendPing(ByteBuffer applicationData, Sent sent) {
        sent.completed(null);
    }

    @Override
    public void sendPong(ByteBuffer applicationData, Sent sent) {
        sent.completed(null);
    }

    @Override
    public void close(int code, String reason) {
    }
}
