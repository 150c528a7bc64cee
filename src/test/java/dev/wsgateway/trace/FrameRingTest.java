package dev.wsgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameRingTest {
    private static TracedFrame frame(int size) {
        return new TracedFrame("clientToBackend", "text", true, true, size, Instant.EPOCH, "", false, false, false, 0);
    }

    @Test
    void keepsTheLastFramesOldestFirstAndCountsTheOverwrittenOnes() {
        FrameRing ring = new FrameRing(3);
        for (int i = 1; i <= 5; i++) {
            ring.add(frame(i));
        }

        assertEquals(List.of(3L, 4L, 5L), ring.frames().stream().map(TracedFrame::size).toList());
        assertEquals(5, ring.recorded());
        assertEquals(2, ring.dropped());
    }

    @Test
    void holdsFewerFramesThanItsCapacityAsTheyCame() {
        FrameRing ring = new FrameRing(3);
        ring.add(frame(1));
        ring.add(frame(2));

        assertEquals(List.of(1L, 2L), ring.frames().stream().map(TracedFrame::size).toList());
        assertEquals(0, ring.dropped());
    }
}
