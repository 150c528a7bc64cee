package dev.wsgateway.policy.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.route.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyChainTest {
    private static final Route ROUTE = new Route("chat", "/chat", URI.create("ws://127.0.0.1:9/x"), List.of(), 1000, 60,
            1024, 30, true, List.of(), 1);
    private final List<String> ran = new ArrayList<>();

    /** Records that it ran, reserves something released at session end, and answers as told. */
    private HandshakePolicy policy(String name, int order, HandshakeDecision answer) {
        return new HandshakePolicy() {
            @Override
            public String type() {
                return name;
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public HandshakeDecision check(HandshakeContext context) {
                ran.add(name);
                context.onSessionEnd(() -> ran.add("release " + name));
                return answer;
            }

            @Override
            public JsonObject describe() {
                return Json.createObjectBuilder().add("name", name).build();
            }
        };
    }

    private static HandshakeContext context() {
        return new HandshakeContext(ROUTE, Map.of(), null, List.of(), "192.0.2.1", "192.0.2.1", false, Instant.now());
    }

    @Test
    void runsByOrderNotByListing() {
        PolicyChain chain = new PolicyChain(List.of(policy("headers", 900, HandshakeDecision.permit()),
                policy("ip", 100, HandshakeDecision.permit()), policy("apiKey", 300, HandshakeDecision.permit())));
        assertEquals(List.of("ip", "apiKey", "headers"), chain.policies().stream().map(HandshakePolicy::type).toList());

        HandshakeContext context = context();
        assertTrue(chain.run(context).permitted());
        assertEquals(List.of("ip", "apiKey", "headers"), ran);
        assertEquals(3, context.takeSessionEndActions().size(), "kept for the session's end");
    }

    @Test
    void firstRejectionWinsAndLaterPoliciesDoNotRun() {
        HandshakeDecision forbidden = HandshakeDecision.reject(403, "no");
        PolicyChain chain = new PolicyChain(List.of(policy("rateLimit", 500, HandshakeDecision.reject(429, "slow down")),
                policy("ip", 100, HandshakeDecision.permit()), policy("origin", 200, forbidden),
                policy("headers", 900, HandshakeDecision.permit())));

        HandshakeContext context = context();
        assertSame(forbidden, chain.run(context));
        assertEquals(List.of("ip", "origin", "release ip", "release origin"), ran,
                "what earlier policies reserved is released at once");
        assertEquals(List.of(), context.takeSessionEndActions(), "and not again at session end");
    }

    @Test
    void describeListsThePoliciesInOrder() {
        PolicyChain chain = new PolicyChain(List.of(policy("b", 2, HandshakeDecision.permit()),
                policy("a", 1, HandshakeDecision.permit())));
        assertEquals(Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("type", "a").add("order", 1).add("settings", Json.createObjectBuilder().add("name", "a")))
                .add(Json.createObjectBuilder().add("type", "b").add("order", 2).add("settings", Json.createObjectBuilder().add("name", "b")))
                .build(), chain.describe());
    }

    @Test
    void anEmptyChainPermits() {
        assertTrue(new PolicyChain(List.of()).run(context()).permitted());
    }
}
