package dev.wsgateway.metrics;

import dev.wsgateway.relay.Peer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A side of a pair that takes every frame at once and remembers the close it was sent. */
final class RecordingPeer implements Peer {
    final List<String> closes = new CopyOnWriteArrayList<>();

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
        closes.add(code + " " + reason);
    }
}
