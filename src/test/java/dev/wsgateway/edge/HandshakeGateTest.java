package dev.wsgateway.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HandshakeGateTest {

    @Test
    void aRouteCannotTakeMoreThanItsShare() {
        HandshakeGate gate = new HandshakeGate(4, 2);
        assertTrue(gate.tryEnter("slow"));
        assertTrue(gate.tryEnter("slow"));
        assertFalse(gate.tryEnter("slow"));
        assertTrue(gate.tryEnter("other"), "another route still gets in");
    }

    @Test
    void theGlobalBoundHoldsAcrossRoutes() {
        HandshakeGate gate = new HandshakeGate(2, 2);
        assertTrue(gate.tryEnter("a"));
        assertTrue(gate.tryEnter("b"));
        assertFalse(gate.tryEnter("c"));
    }

    @Test
    void leavingFreesBothTheRouteShareAndTheGlobalPermit() {
        HandshakeGate gate = new HandshakeGate(1, 1);
        assertTrue(gate.tryEnter("a"));
        assertFalse(gate.tryEnter("a"));
        gate.exit("a");
        assertTrue(gate.tryEnter("a"));
    }

    @Test
    void aRefusalByTheGlobalBoundDoesNotUseUpTheRouteShare() {
        HandshakeGate gate = new HandshakeGate(1, 1);
        assertTrue(gate.tryEnter("a"));
        assertFalse(gate.tryEnter("b"));
        gate.exit("a");
        assertTrue(gate.tryEnter("b"), "b's failed attempt left its share untouched");
    }
}
