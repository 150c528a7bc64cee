package dev.wsgateway.policy.builtin;

import static dev.wsgateway.policy.builtin.PolicyTestSupport.assertRejected;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.defaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.json;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.noDefaults;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.policy;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.problems;
import static dev.wsgateway.policy.builtin.PolicyTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.policy.handshake.HandshakeDecision;
import dev.wsgateway.policy.handshake.HandshakePolicy;
import dev.wsgateway.policy.handshake.PolicyOrder;
import dev.wsgateway.route.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpPolicyTest {
    private static final String DENIED = "Connections from this address are not allowed.";
    private final IpPolicy.Factory factory = new IpPolicy.Factory(noDefaults());

    private static HandshakeDecision from(HandshakePolicy policy, String client) {
        return policy.check(request().remote("10.200.0.1").client(client).context());
    }

    @Test
    void typeAndOrder() {
        HandshakePolicy policy = policy(factory, "{'deny': ['192.0.2.0/24']}");
        assertEquals("ip", policy.type());
        assertEquals(PolicyOrder.IP, policy.order());
    }

    @Test
    void allowListAdmitsOnlyItsRangesAndChecksTheClientNotThePeer() {
        HandshakePolicy policy = policy(factory, "{'allow': ['10.0.0.0/8', '192.0.2.7']}");
        assertTrue(from(policy, "10.1.2.3").permitted());
        assertTrue(from(policy, "192.0.2.7").permitted());
        assertRejected(from(policy, "192.0.2.8"), 403, DENIED);
        assertRejected(from(policy, "11.0.0.1"), 403, DENIED);
        assertRejected(policy.check(request().remote("10.0.0.1").client("203.0.113.1").context()), 403, DENIED);
    }

    @Test
    void denyListAloneAdmitsEveryoneElse() {
        HandshakePolicy policy = policy(factory, "{'deny': ['192.0.2.0/24']}");
        assertRejected(from(policy, "192.0.2.200"), 403, DENIED);
        assertTrue(from(policy, "198.51.100.1").permitted());
        assertTrue(from(policy, "2001:db8::1").permitted());
    }

    @Test
    void denyWinsOverAllow() {
        HandshakePolicy policy = policy(factory, "{'allow': ['10.0.0.0/8'], 'deny': ['10.6.6.0/24']}");
        assertTrue(from(policy, "10.6.7.1").permitted());
        assertRejected(from(policy, "10.6.6.6"), 403, DENIED);
        assertRejected(from(policy, "11.0.0.1"), 403, DENIED);
    }

    @Test
    void ipv6AndMappedAddresses() {
        HandshakePolicy policy = policy(factory, "{'allow': ['2001:db8::/32', '10.0.0.0/8'], 'deny': ['2001:db8:bad::/48']}");
        assertTrue(from(policy, "2001:db8:1::5").permitted());
        assertTrue(from(policy, "[2001:db8:1::5]").permitted());
        assertRejected(from(policy, "2001:db8:bad::1"), 403, DENIED);
        assertRejected(from(policy, "2001:db9::1"), 403, DENIED);
        assertTrue(from(policy, "::ffff:10.1.2.3").permitted());
        assertRejected(from(policy, "::ffff:11.1.2.3"), 403, DENIED);
    }

    @Test
    void anAddressThatIsNotALiteralIsNotAllowed() {
        HandshakePolicy policy = policy(factory, "{'allow': ['0.0.0.0/0', '::/0']}");
        assertRejected(from(policy, "localhost"), 403, DENIED);
    }

    @Test
    void describeShowsTheRangesAsWritten() {
        HandshakePolicy policy = policy(factory, "{'allow': ['10.0.0.0/8'], 'deny': ['2001:db8::/32']}");
        assertEquals(json("{'allow': ['10.0.0.0/8'], 'deny': ['2001:db8::/32']}"), policy.describe());
    }

    @Test
    void factoryReportsBadRanges() {
        List<FieldError> errors = problems(factory,
                "{'allow': ['10.0.0.0/33', 'example.com'], 'deny': ['256.0.0.1', '10.6.6.0/24']}");
        assertEquals(List.of("policies[0].allow", "policies[0].allow", "policies[0].deny"),
                errors.stream().map(FieldError::field).toList());
        assertEquals("'10.0.0.0/33': the prefix length must be 0-32", errors.get(0).message());
        assertEquals("'example.com' is not an IP address or CIDR range", errors.get(1).message());
    }

    @Test
    void factoryNeedsARange() {
        List<FieldError> expected = List.of(new FieldError("policies[0].allow",
                "an ip policy needs at least one allow or deny range"));
        assertEquals(expected, problems(factory, "{}"));
        assertEquals(expected, problems(factory, "{'allow': [], 'deny': []}"));
    }

    @Test
    void factoryRejectsUnknownFieldsAndWrongTypes() {
        assertEquals(List.of(new FieldError("policies[0].ranges", "unknown field")),
                problems(factory, "{'deny': ['10.0.0.0/8'], 'ranges': []}"));
        assertEquals(List.of(new FieldError("policies[0].deny", "must be an array of strings")),
                problems(factory, "{'allow': ['10.0.0.0/8'], 'deny': '10.6.6.0/24'}"));
    }

    @Test
    void defaultsComeFromGatewaySettings() {
        IpPolicy.Factory configured = new IpPolicy.Factory(defaults(Map.of(
                "gateway.ip.allow", "10.0.0.0/8, 2001:db8::/32", "gateway.ip.deny", "10.6.6.0/24")));
        HandshakePolicy policy = policy(configured, "{}");
        assertTrue(from(policy, "10.1.1.1").permitted());
        assertTrue(from(policy, "2001:db8::9").permitted());
        assertRejected(from(policy, "10.6.6.1"), 403, DENIED);
        assertRejected(from(policy, "11.0.0.1"), 403, DENIED);

        HandshakePolicy routeOwn = policy(configured, "{'allow': ['11.0.0.0/8']}");
        assertTrue(from(routeOwn, "11.0.0.1").permitted());
        assertRejected(from(routeOwn, "10.1.1.1"), 403, DENIED);
        assertRejected(from(routeOwn, "10.6.6.1"), 403, DENIED);

        IpPolicy.Factory bad = new IpPolicy.Factory(defaults(Map.of("gateway.ip.deny", "10.0.0.0/99")));
        assertEquals(List.of("policies[0].deny", "policies[0].allow"),
                problems(bad, "{}").stream().map(FieldError::field).toList());
    }
}
