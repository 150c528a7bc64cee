package dev.wsgateway.upstream;

import dev.wsgateway.relay.Peer;
import java.nio.ByteBuffer;

/** A client side for backend tests: takes data frames (subclasses record them) and ignores the rest. */
class QuietPeer implements Peer {
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
    }
}
