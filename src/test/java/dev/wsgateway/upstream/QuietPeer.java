package dev.wsgateway.upstream;

import dev.wsgateway.relay.Peer;
import java.nio.ByteBuffer;

/** A client side for backend tests: takes data frames at once (subclasses record them) and ignores the rest. */
class QuietPeer implements Peer {
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
