package dev.wsgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private final ClientAddresses addresses = new ClientAddresses(
            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:aaaa::/48")));

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        ClientAddresses none = new ClientAddresses(List.of());
        assertEquals("10.0.0.1", none.resolve("10.0.0.1", List.of("203.0.113.9")));
        assertFalse(none.trusted("10.0.0.1"));
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() {
        assertEquals("198.51.100.4", addresses.resolve("198.51.100.4", List.of("203.0.113.9")));
        assertEquals("198.51.100.4", addresses.resolve("198.51.100.4", List.of("10.0.0.7, 203.0.113.9")));
    }

    @Test
    void aTrustedPeerWithoutForwardedForIsTheClient() {
        assertEquals("10.0.0.2", addresses.resolve("10.0.0.2", List.of()));
        assertEquals("10.0.0.2", addresses.resolve("10.0.0.2", List.of(" , ")));
    }

    @Test
    void theChainIsReadFromTheRightSkippingTrustedHops() {
        // spoofed, real client, our inner proxy, then the peer (our outer proxy)
        assertEquals("203.0.113.9", addresses.resolve("10.0.0.2", List.of("1.1.1.1, 203.0.113.9, 10.0.0.5")));
        assertEquals("203.0.113.9", addresses.resolve("10.0.0.2", List.of("203.0.113.9")));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertEquals("10.0.0.9", addresses.resolve("10.0.0.2", List.of("10.0.0.9, 10.0.0.5")));
    }

    @Test
    void garbageInTheChainStopsAtTheLastTrustedAddress() {
        assertEquals("10.0.0.5", addresses.resolve("10.0.0.2", List.of("203.0.113.9, unknown, 10.0.0.5")));
        assertEquals("10.0.0.2", addresses.resolve("10.0.0.2", List.of("203.0.113.9, evil.example")));
        assertEquals("10.0.0.2", addresses.resolve("10.0.0.2", List.of("203.0.113.9:4711")));
        assertEquals("10.0.0.2", addresses.resolve("10.0.0.2", List.of("localhost")), "never resolved");
    }

    @Test
    void multipleHeaderValuesAreOneChainInOrder() {
        assertEquals("203.0.113.9", addresses.resolve("10.0.0.2", List.of("1.1.1.1", "203.0.113.9, 10.0.0.5", "10.0.0.6")));
        assertEquals(List.of("1.1.1.1", "203.0.113.9", "10.0.0.5", "10.0.0.6"),
                ClientAddresses.hops(List.of("1.1.1.1", " 203.0.113.9 ,,10.0.0.5", "10.0.0.6")));
    }

    @Test
    void ipv6Hops() {
        assertEquals("2001:db8:1::7",
                addresses.resolve("2001:db8:aaaa::1", List.of("2001:db8:1::7, 2001:db8:aaaa::2")));
        assertTrue(addresses.trusted("[2001:db8:aaaa::1]"));
        assertTrue(addresses.trusted("::ffff:10.1.1.1"));
        assertFalse(addresses.trusted("2001:db8:aaab::1"));
    }

    @Test
    void trustedProxiesAreACopy() {
        List<Cidr> ranges = new java.util.ArrayList<>(List.of(Cidr.parse("10.0.0.0/8")));
        ClientAddresses a = new ClientAddresses(ranges);
        ranges.clear();
        assertEquals(List.of(Cidr.parse("10.0.0.0/8")), a.trustedProxies());
    }
}
