package dev.wsgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.route.Route;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionQueryTest {
    private static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:1/chat"), List.of(), 1000,
            60, 1024, 0, true, List.of(), 1);
    private final RelaySession alice = new RelaySession("a", ROUTE, "192.0.2.1",
            new Credentials("alice", "apiKey", "k1", "alice", null, null, false, Map.of()), s -> { });

    private static SessionQuery query(String route, String principal, String key, String address, String after,
                                      String before) {
        return SessionQuery.parse(route, principal, key, address, after, before, null, null);
    }

    @Test
    void everyFilterMustMatch() {
        assertTrue(query("chat", "alice", "k1", "192.0.2.1", null, null).matches(alice));
        assertFalse(query("chat", "bob", null, null, null, null).matches(alice));
        assertFalse(query(null, null, "k2", null, null, null).matches(alice));
        assertFalse(query(null, null, null, "192.0.2.2", null, null).matches(alice));
        assertFalse(query("other", null, null, null, null, null).matches(alice));
    }

    @Test
    void filtersByOpeningTime() {
        Instant opened = alice.createdAt();
        assertTrue(query(null, null, null, null, opened.minusSeconds(1).toString(), opened.plusSeconds(1).toString())
                .matches(alice));
        assertFalse(query(null, null, null, null, opened.plusSeconds(1).toString(), null).matches(alice));
        assertFalse(query(null, null, null, null, null, opened.minusSeconds(1).toString()).matches(alice));
    }

    @Test
    void pagesDefaultTo100FromTheStartAndBadValuesAre400() {
        SessionQuery q = query(null, null, null, null, null, null);
        assertEquals(100, q.limit());
        assertEquals(0, q.offset());
        for (String[] bad : new String[][] {{"0", "0"}, {"1001", "0"}, {"x", "0"}, {"10", "-1"}}) {
            ApiProblem p = assertThrows(ApiProblem.class,
                    () -> SessionQuery.parse(null, null, null, null, null, null, bad[0], bad[1]));
            assertEquals(400, p.status());
        }
        assertThrows(ApiProblem.class, () -> query(null, null, null, null, "yesterday", null));
    }
}
