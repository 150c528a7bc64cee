package dev.wsgateway.metrics;

import dev.wsgateway.relay.QuietPeer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A side of a pair that takes every frame at once and remembers the close it was sent. */
final class RecordingPeer extends QuietPeer {
    final List<String> closes = new CopyOnWriteArrayList<>();

    @Override
    public void close(int code, String reason) {
        closes.add(code + " " + reason);
    }
}
