package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.RateLimitTestSupport.TestClock;
import dev.wsgateway.route.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitPolicyFactoryTest {
    private final RateLimitPolicyFactory factory =
            new RateLimitPolicyFactory(new LocalBucketStore(10, new TestClock()), new ConnectionCounters());

    private static FieldError error(String field, String message) {
        return new FieldError("policies[0]." + field, message);
    }

    @Test
    void theFullExampleIsValid() {
        assertEquals(List.of(), problems(factory, "{'route': [{'limit': 100, 'per': 'second'}, {'limit': 100000, 'per': 'day'}],"
                + " 'identity': [{'limit': 10, 'per': 'second'}, {'limit': 1000, 'per': 'day'}],"
                + " 'maxConnections': 500, 'maxConnectionsPerIdentity': 5}"));
        assertEquals(List.of(), problems(factory, "{'identity': [{'limit': 1000000000, 'per': 'minute'}, {'limit': 1, 'per': 'hour'}]}"));
    }

    @Test
    void atLeastOneLimit() {
        assertEquals(List.of(error("route", "a rateLimit entry needs at least one of route, identity, maxConnections, "
                + "maxConnectionsPerIdentity")), problems(factory, "{}"));
    }

    @Test
    void unknownFields() {
        assertEquals(List.of(error("burst", "unknown field"), error("route[0].burst", "unknown field")),
                problems(factory, "{'burst': 5, 'route': [{'limit': 1, 'per': 'second', 'burst': 2}]}"));
    }

    @Test
    void badPer() {
        assertEquals(List.of(error("route[0].per", "must be one of second, minute, hour, day")),
                problems(factory, "{'route': [{'limit': 1, 'per': 'week'}]}"));
        assertEquals(List.of(error("identity[0].per", "is required")),
                problems(factory, "{'identity': [{'limit': 1}]}"));
        assertEquals(List.of(error("identity[0].per", "must be a string")),
                problems(factory, "{'identity': [{'limit': 1, 'per': 1}]}"));
    }

    @Test
    void limitOutOfRange() {
        assertEquals(List.of(error("route[0].limit", "must be between 1 and 1000000000"),
                        error("route[1].limit", "must be between 1 and 1000000000")),
                problems(factory, "{'route': [{'limit': 0, 'per': 'second'}, {'limit': 1000000001, 'per': 'day'}]}"));
        assertEquals(List.of(error("route[0].limit", "must be an integer")),
                problems(factory, "{'route': [{'limit': 1.5, 'per': 'second'}]}"));
        assertEquals(List.of(error("route[0].limit", "is required")),
                problems(factory, "{'route': [{'per': 'second'}]}"));
    }

    @Test
    void duplicatePer() {
        assertEquals(List.of(error("identity[2].per", "'second' is listed twice in identity")),
                problems(factory, "{'identity': [{'limit': 5, 'per': 'second'}, {'limit': 50, 'per': 'minute'},"
                        + " {'limit': 10, 'per': 'second'}], 'route': [{'limit': 5, 'per': 'second'}]}"));
    }

    @Test
    void badShapes() {
        assertEquals(List.of(error("route", "must be an array of {\"limit\": n, \"per\": \"second|minute|hour|day\"}")),
                problems(factory, "{'route': {'limit': 1, 'per': 'second'}}"));
        assertEquals(List.of(error("identity[0]", "must be an object {\"limit\": n, \"per\": \"second|minute|hour|day\"}")),
                problems(factory, "{'identity': [5]}"));
        assertEquals(List.of(error("route", "must list at least one limit (leave it out for none)")),
                problems(factory, "{'route': []}"));
    }

    @Test
    void capsAtLeastOne() {
        assertEquals(List.of(error("maxConnections", "must be between 1 and 2147483647"),
                        error("maxConnectionsPerIdentity", "must be between 1 and 2147483647")),
                problems(factory, "{'maxConnections': 0, 'maxConnectionsPerIdentity': -1}"));
        assertEquals(List.of(error("maxConnections", "must be an integer")),
                problems(factory, "{'maxConnections': '5'}"));
    }

    @Test
    void trackedIdentitiesFromTheGatewaySettings() {
        GatewayDefaults bad = key -> Optional.ofNullable(Map.of(RateLimitPolicyFactory.MAX_TRACKED_IDENTITIES, "0").get(key));
        assertThrows(IllegalArgumentException.class, () -> new RateLimitPolicyFactory(bad));
        GatewayDefaults none = key -> Optional.empty();
        assertEquals(List.of(), problems(new RateLimitPolicyFactory(none), "{'maxConnections': 1}"));
    }
}
