package dev.wsgateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WaitingHandshakesTest {

    @Test
    void aRouteCannotTakeMoreThanItsShare() {
        WaitingHandshakes gate = new WaitingHandshakes(4, 2);
        assertTrue(gate.tryEnter("slow"));
        assertTrue(gate.tryEnter("slow"));
        assertFalse(gate.tryEnter("slow"));
        assertTrue(gate.tryEnter("other"), "another route still gets in");
    }

    @Test
    void theGlobalBoundHoldsAcrossRoutes() {
        WaitingHandshakes gate = new WaitingHandshakes(2, 2);
        assertTrue(gate.tryEnter("a"));
        assertTrue(gate.tryEnter("b"));
        assertFalse(gate.tryEnter("c"));
    }

    @Test
    void leavingFreesBothTheRouteShareAndTheGlobalPermit() {
        WaitingHandshakes gate = new WaitingHandshakes(1, 1);
        assertTrue(gate.tryEnter("a"));
        assertFalse(gate.tryEnter("a"));
        gate.exit("a");
        assertTrue(gate.tryEnter("a"));
    }

    @Test
    void aRefusalByTheGlobalBoundDoesNotUseUpTheRouteShare() {
        WaitingHandshakes gate = new WaitingHandshakes(1, 1);
        assertTrue(gate.tryEnter("a"));
        assertFalse(gate.tryEnter("b"));
        gate.exit("a");
        assertTrue(gate.tryEnter("b"), "b's failed attempt left its share untouched");
    }

    @Test
    void thousandsMayWaitAtOnceWhenTheBudgetAllowsIt() {
        WaitingHandshakes waiting = new WaitingHandshakes(5000, 5000);
        for (int i = 0; i < 5000; i++) {
            assertTrue(waiting.tryEnter("storm"), "handshake " + i);
        }
        assertFalse(waiting.tryEnter("storm"));
        assertEquals(5000, waiting.waiting("storm"));
    }

    @Test
    void aLimitBelowOneIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> new WaitingHandshakes(0, 1));
    }
}
