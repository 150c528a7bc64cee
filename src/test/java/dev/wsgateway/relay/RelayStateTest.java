package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.relay.RelaySession.State;
import dev.wsgateway.relay.RelaySession.State.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pair's life cycle, one row per transition of {@link State#next}. */
class RelayStateTest {
    @ParameterizedTest(name = "{0} --{1}--> {2}")
    @CsvSource({
            "CONNECTING,   CLIENT_ATTACHED, OPEN",
            "CONNECTING,   BACKEND_ENDED,   BACKEND_SHUT",
            "CONNECTING,   CLIENT_ENDED,    CLIENT_SHUT",
            "CONNECTING,   GATEWAY_CLOSED,  CLOSING",
            "CONNECTING,   GIVEN_UP,        FAILED",
            "OPEN,         CLIENT_ATTACHED, OPEN",
            "OPEN,         CLIENT_ENDED,    CLIENT_SHUT",
            "OPEN,         BACKEND_ENDED,   BACKEND_SHUT",
            "OPEN,         GATEWAY_CLOSED,  CLOSING",
            "OPEN,         GIVEN_UP,        FAILED",
            "CLIENT_SHUT,  BACKEND_ENDED,   CLOSED",
            "CLIENT_SHUT,  CLIENT_ENDED,    CLIENT_SHUT",
            "CLIENT_SHUT,  GATEWAY_CLOSED,  CLIENT_SHUT",
            "CLIENT_SHUT,  GIVEN_UP,        FAILED",
            "BACKEND_SHUT, CLIENT_ENDED,    CLOSED",
            "BACKEND_SHUT, CLIENT_ATTACHED, BACKEND_SHUT",
            "BACKEND_SHUT, BACKEND_ENDED,   BACKEND_SHUT",
            "BACKEND_SHUT, GATEWAY_CLOSED,  BACKEND_SHUT",
            "CLOSING,      CLIENT_ATTACHED, CLOSING",
            "CLOSING,      CLIENT_ENDED,    CLIENT_SHUT",
            "CLOSING,      BACKEND_ENDED,   BACKEND_SHUT",
            "CLOSING,      GATEWAY_CLOSED,  CLOSING",
            "CLOSING,      GIVEN_UP,        FAILED",
            "CLOSED,       GIVEN_UP,        CLOSED",
            "CLOSED,       CLIENT_ENDED,    CLOSED",
            "CLOSED,       CLIENT_ATTACHED, CLOSED",
            "FAILED,       BACKEND_ENDED,   FAILED",
            "FAILED,       GATEWAY_CLOSED,  FAILED",
            "FAILED,       CLIENT_ATTACHED, FAILED",
    })
    void thePairMovesByTheTable(State from, Event event, State to) {
        assertEquals(to, from.next(event));
    }
}
