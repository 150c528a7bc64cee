package dev.wsgateway.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void ipv4Range() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertTrue(c.contains("10.0.0.0"));
        assertTrue(c.contains("10.255.255.255"));
        assertTrue(c.contains("10.1.2.3"));
        assertFalse(c.contains("11.0.0.0"));
        assertFalse(c.contains("9.255.255.255"));
        assertEquals(8, c.prefix());
        assertEquals("10.0.0.0/8", c.toString());
    }

    @Test
    void hostBitsOfTheNetworkAreIgnored() {
        Cidr c = Cidr.parse("192.168.1.77/24");
        assertTrue(c.contains("192.168.1.1"));
        assertFalse(c.contains("192.168.2.1"));
        assertEquals(Cidr.parse("192.168.1.0/24"), c);
        assertEquals(Cidr.parse("192.168.1.0/24").hashCode(), c.hashCode());
    }

    @Test
    void oddPrefixLengths() {
        Cidr c = Cidr.parse("172.16.0.0/12");
        assertTrue(c.contains("172.31.255.255"));
        assertFalse(c.contains("172.32.0.0"));
        assertFalse(c.contains("172.15.255.255"));
    }

    @Test
    void singleAddresses() {
        Cidr v4 = Cidr.parse("192.0.2.7");
        assertEquals(32, v4.prefix());
        assertTrue(v4.contains("192.0.2.7"));
        assertFalse(v4.contains("192.0.2.8"));

        Cidr v6 = Cidr.parse("2001:db8::1");
        assertEquals(128, v6.prefix());
        assertTrue(v6.contains("2001:db8:0:0:0:0:0:1"));
        assertFalse(v6.contains("2001:db8::2"));
    }

    @Test
    void ipv6Range() {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertTrue(c.contains("2001:db8::1"));
        assertTrue(c.contains("2001:DB8:ffff:1::42"));
        assertFalse(c.contains("2001:db9::1"));
        assertFalse(c.contains("10.0.0.1"), "an IPv4 address is not in an IPv6 range");
    }

    @Test
    void zeroPrefixMatchesTheWholeFamily() {
        Cidr all4 = Cidr.parse("0.0.0.0/0");
        assertTrue(all4.contains("1.2.3.4"));
        assertTrue(all4.contains("255.255.255.255"));
        assertTrue(all4.contains("::ffff:8.8.8.8"), "IPv4-mapped IPv6 is IPv4");
        assertFalse(all4.contains("2001:db8::1"));

        Cidr all6 = Cidr.parse("::/0");
        assertTrue(all6.contains("2001:db8::1"));
        assertTrue(all6.contains("::1"));
    }

    @Test
    void ipv4MappedIpv6AddressesMatchTheirIpv4Ranges() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertTrue(c.contains("::ffff:10.1.2.3"));
        assertTrue(c.contains("::FFFF:a01:203"));
        assertTrue(c.contains("[::ffff:10.1.2.3]"));
        assertFalse(c.contains("::ffff:11.1.2.3"));
        assertArrayEquals(new byte[] {10, 1, 2, 3}, Cidr.literal("::ffff:10.1.2.3"));
    }

    @Test
    void bracketedAndZonedIpv6() {
        Cidr c = Cidr.parse("fe80::/10");
        assertTrue(c.contains("[fe80::1]"));
        assertTrue(c.contains("fe80::1%eth0"));
        assertTrue(c.contains("[fe80::1%25eth0]"));
        assertTrue(c.contains("fe80::1%2"));
        assertFalse(c.contains("[fec0::1]"));

        assertEquals(Cidr.parse("2001:db8::/32"), Cidr.parse("[2001:db8::]/32"));
        assertEquals(16, Cidr.literal("[::1]").length);
    }

    @Test
    void surroundingWhitespaceIsTrimmed() {
        assertTrue(Cidr.parse(" 10.0.0.0/8 ").contains(" 10.0.0.1 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost/8", "example.com", "example.com/24", "dead.beef", "cafe",
            "256.0.0.1", "1.256.0.1", "1.2.3.999/8", "1.2.3", "1.2.3.4.5", "", "/8", "1.2.3.4:80", "2001:db8::g",
            "1:2:3:4:5:6:7:8:9", "[1.2.3.4", "http://1.2.3.4", "0x7f.0.0.1"})
    void rejectsWhatIsNotALiteralRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8",
            "2001:db8::/129", "::/200"})
    void rejectsPrefixLengthsOutOfRange(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains("prefix length must be 0-"), e.getMessage());
    }

    @Test
    void prefixLimitsFollowTheFamily() {
        assertEquals(32, Cidr.parse("1.2.3.4/32").prefix());
        assertEquals(128, Cidr.parse("::1/128").prefix());
        assertEquals(0, Cidr.parse("::/0").prefix());
    }

    @Test
    void hostNamesAreNeverResolved() {
        // If "localhost" were resolved it would be 127.0.0.1 and inside 127.0.0.0/8.
        assertNull(Cidr.literal("localhost"));
        assertFalse(Cidr.parse("127.0.0.0/8").contains("localhost"));
        assertFalse(Cidr.parse("0.0.0.0/0").contains("localhost"));
        assertFalse(Cidr.parse("::/0").contains("ip6-localhost"));
        assertNull(Cidr.literal(null));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(null));
    }

    /**
     * Text made of IPv6 characters that is not an IPv6 literal (".a:b") must not reach the system resolver:
     * run in a JVM whose resolver is a hosts file that maps exactly such names, so a lookup would answer.
     */
    @Test
    void textThatLooksHalfLikeIpv6IsNeverResolvedEither(@TempDir Path dir) throws IOException, InterruptedException {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "10.9.9.9 .a:b\n10.9.9.9 .:\n10.9.9.9 .1::\n", StandardCharsets.US_ASCII);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djdk.net.hosts.file=" + hosts,
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), ".a:b", ".:", ".1::")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(".a:b null", ".: null", ".1:: null"), out.lines().toList());
    }

    /** Run in a child JVM by the test above. */
    public static final class Probe {
        public static void main(String[] args) {
            for (String a : args) {
                byte[] bytes = Cidr.literal(a);
                System.out.println(a + " " + (bytes == null ? "null" : java.util.Arrays.toString(bytes)));
            }
        }
    }

    @Test
    void equalityIsByNetworkAndPrefix() {
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.9.9.9/8"));
        assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/9"));
        assertNotEquals(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"));
    }
}
