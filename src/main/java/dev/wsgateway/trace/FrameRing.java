package dev.wsgateway.trace;

import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} frames of a traced session, oldest first; older ones are overwritten. */
final class FrameRing {
    private final TracedFrame[] slots;
    private long recorded;

    FrameRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        slots = new TracedFrame[capacity];
    }

    synchronized void add(TracedFrame frame) {
        slots[(int) (recorded % slots.length)] = frame;
        recorded++;
    }

    /** The frames kept, oldest first. */
    synchronized List<TracedFrame> frames() {
        int kept = (int) Math.min(recorded, slots.length);
        List<TracedFrame> out = new ArrayList<>(kept);
        for (long i = recorded - kept; i < recorded; i++) {
            out.add(slots[(int) (i % slots.length)]);
        }
        return out;
    }

    /** Frames recorded since the trace started, kept or not. */
    synchronized long recorded() {
        return recorded;
    }

    /** Frames overwritten by newer ones. */
    synchronized long dropped() {
        return Math.max(0, recorded - slots.length);
    }

    int capacity() {
        return slots.length;
    }
}
