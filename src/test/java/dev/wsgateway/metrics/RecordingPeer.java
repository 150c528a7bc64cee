package dev.wsgateway.metrics;

import dev.wsgateway.relay.Peer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A side of a pair that takes every frame at once and remembers the close it was sent. */
final class RecordingPeer implements Peer {
    final List<String> closes = new CopyOnWriteArrayList<>();

    @Override
    public void sendText(String part, boolean last) {
    }

    @Override
    public void sendBinary(ByteBuffer part, boolean last) {
    }

    @Override
    public void sendPong(ByteBuffer applicationData) {
    }

    @Override
    public boolean tryPing(ByteBuffer applicationData) {
        return true;
    }

    @Override
    public long sendingSinceNanos() {
        return 0;
    }

    @Override
    public void close(int code, String reason) {
        closes.add(code + " " + reason);
    }
}
