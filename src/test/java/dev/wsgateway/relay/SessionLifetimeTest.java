package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionLifetimeTest {

    @Test
    void anUnlimitedRouteSchedulesNoClose() {
        assertEquals(-1, new SessionLifetime(10, new Random(1)).closeAfterMillis(0));
    }

    @Test
    void everyCloseFallsWithinTheJitterBeforeTheMaximum() {
        SessionLifetime lifetime = new SessionLifetime(10, new Random(7));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long millis = lifetime.closeAfterMillis(100);
            assertTrue(millis > 90_000 && millis <= 100_000, () -> "outside (90 s, 100 s]: " + millis);
            seen.add(millis);
        }
        assertTrue(seen.size() > 1000, "the closes are spread, not one moment: " + seen.size() + " distinct");
    }

    @Test
    void withoutJitterEverySessionLivesExactlyTheMaximum() {
        SessionLifetime lifetime = new SessionLifetime(0, new Random(3));
        assertEquals(2_000, lifetime.closeAfterMillis(2));
        assertEquals(2_000, lifetime.closeAfterMillis(2));
    }

    @Test
    void theLargestJitterHalvesTheAgeAtMost() {
        SessionLifetime lifetime = new SessionLifetime(50, new Random(5));
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            least = Math.min(least, lifetime.closeAfterMillis(10));
        }
        assertTrue(least > 5_000, "never half the age or less: " + least);
        assertNotEquals(10_000, least);
    }

    @Test
    void refusesAJitterOutsideItsRange() {
        assertThrows(IllegalArgumentException.class, () -> new SessionLifetime(-1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new SessionLifetime(51, new Random()));
    }
}
