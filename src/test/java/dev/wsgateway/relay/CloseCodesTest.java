package dev.wsgateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.CloseCodes.Close;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloseCodesTest {

    @ParameterizedTest(name = "{0} {1} ''{2}'' -> {3} ''{4}''")
    @CsvSource(nullValues = "NULL", value = {
            // codes an endpoint may send: passed on with their reason, from either side
            "CLIENT,  1000, bye,        1000, bye",
            "BACKEND, 1000, bye,        1000, bye",
            "CLIENT,  1001, leaving,    1001, leaving",
            "BACKEND, 1001, leaving,    1001, leaving",
            "CLIENT,  1002, proto,      1002, proto",
            "BACKEND, 1002, proto,      1002, proto",
            "CLIENT,  1003, data,       1003, data",
            "BACKEND, 1003, data,       1003, data",
            "CLIENT,  1007, utf8,       1007, utf8",
            "BACKEND, 1007, utf8,       1007, utf8",
            "CLIENT,  1008, policy,     1008, policy",
            "BACKEND, 1008, policy,     1008, policy",
            "CLIENT,  1009, big,        1009, big",
            "BACKEND, 1009, big,        1009, big",
            "CLIENT,  1010, ext,        1010, ext",
            "BACKEND, 1010, ext,        1010, ext",
            "CLIENT,  1011, oops,       1011, oops",
            "BACKEND, 1011, oops,       1011, oops",
            "CLIENT,  1012, restart,    1012, restart",
            "BACKEND, 1012, restart,    1012, restart",
            "CLIENT,  1013, later,      1013, later",
            "BACKEND, 1013, later,      1013, later",
            "CLIENT,  1014, gateway,    1014, gateway",
            "BACKEND, 1014, gateway,    1014, gateway",
            "CLIENT,  3000, app,        3000, app",
            "BACKEND, 3000, app,        3000, app",
            "CLIENT,  4999, bye,        4999, bye",
            "BACKEND, 4999, bye,        4999, bye",
            "CLIENT,  1000, '',         1000, ''",
            "BACKEND, 4000, NULL,       4000, ''",
            // 1005 (no status) becomes a normal close, from either side
            "CLIENT,  1005, '',         1000, ''",
            "BACKEND, 1005, '',         1000, ''",
            "BACKEND, 1005, ignored,    1000, ''",
            // 1006 (abnormal)
            "CLIENT,  1006, '',         1001, client went away",
            "BACKEND, 1006, '',         1011, backend connection lost",
            // 1015 (TLS failure)
            "BACKEND, 1015, '',         1011, backend TLS failure",
            "CLIENT,  1015, '',         1001, client went away",
            // codes no endpoint may send
            "BACKEND, 1004, x,          1011, peer closed with an invalid code",
            "BACKEND, 2000, x,          1011, peer closed with an invalid code",
            "BACKEND, 2999, x,          1011, peer closed with an invalid code",
            "BACKEND, 5000, x,          1011, peer closed with an invalid code",
            "BACKEND, 999,  x,          1011, peer closed with an invalid code",
            "BACKEND, 0,    x,          1011, peer closed with an invalid code",
            "CLIENT,  1004, x,          1001, client went away",
            "CLIENT,  2000, x,          1001, client went away",
            "CLIENT,  5000, x,          1001, client went away",
    })
    void forwardsTheCloseToTheOtherSide(Side from, int code, String reason, int expectedCode, String expectedReason) {
        Close close = CloseCodes.forward(from, code, reason);

        assertEquals(new Close(expectedCode, expectedReason), close);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
            4999})
    void codesAnEndpointMaySendAreSendable(int code) {
        assertTrue(CloseCodes.sendable(code));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
    void reservedAndOutOfRangeCodesAreNotSendable(int code) {
        assertEquals(false, CloseCodes.sendable(code));
    }

    @Test
    void forwardedCodesAreAlwaysSendable() {
        for (Side side : Side.values()) {
            for (int code = 0; code < 6000; code++) {
                int forwarded = CloseCodes.forward(side, code, "r").code();
                assertTrue(CloseCodes.sendable(forwarded), side + " " + code + " -> " + forwarded);
            }
        }
    }

    // ---- truncate ---------------------------------------------------------------------------------

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void keepsAReasonThatFits() {
        String exactly123 = "a".repeat(123);
        assertSame(exactly123, CloseCodes.truncate(exactly123));
        assertEquals("short", CloseCodes.truncate("short"));
        assertEquals("", CloseCodes.truncate(""));
        assertEquals("", CloseCodes.truncate(null));
    }

    @Test
    void cutsAnAsciiReasonTo123Bytes() {
        assertEquals("a".repeat(123), CloseCodes.truncate("a".repeat(124)));
        assertEquals("a".repeat(123), CloseCodes.truncate("a".repeat(1000)));
    }

    @Test
    void cutsTwoByteCharactersWithoutSplittingOne() {
        // 'é' is two bytes: 61 of them are 122 bytes, a 62nd would make 124.
        String cut = CloseCodes.truncate("é".repeat(100));

        assertEquals("é".repeat(61), cut);
        assertEquals(122, utf8(cut));
    }

    @Test
    void cutsTwoByteCharactersAfterAnOddPrefixExactlyAtTheLimit() {
        // "a" + 61 × 'é' = 123 bytes exactly.
        String cut = CloseCodes.truncate("a" + "é".repeat(100));

        assertEquals("a" + "é".repeat(61), cut);
        assertEquals(123, utf8(cut));
    }

    @Test
    void cutsThreeByteCharactersWithoutSplittingOne() {
        String cut = CloseCodes.truncate("€".repeat(50)); // 3 bytes each: 41 of them are 123 bytes

        assertEquals("€".repeat(41), cut);
        assertEquals(123, utf8(cut));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void cutsEmojiWithoutSplittingASurrogatePairOrItsBytes(int asciiPrefix) {
        String emoji = "\uD83D\uDE00"; // 😀, four bytes in UTF-8
        String reason = "x".repeat(asciiPrefix) + emoji.repeat(40);

        String cut = CloseCodes.truncate(reason);

        assertTrue(utf8(cut) <= CloseCodes.MAX_REASON_BYTES, () -> utf8(cut) + " bytes");
        assertTrue(utf8(cut) > CloseCodes.MAX_REASON_BYTES - 4, "cuts no more than one character too much");
        assertTrue(reason.startsWith(cut), "a prefix of the original");
        assertTrue(!Character.isHighSurrogate(cut.charAt(cut.length() - 1)), "no half surrogate pair at the end");
        assertEquals(-1, cut.indexOf('\uFFFD'), "no replacement character from a split sequence");
    }

    @Test
    void closeRecordsTruncateTheirReason() {
        Close close = new Close(1000, "é".repeat(100));
        assertEquals("é".repeat(61), close.reason());
        assertEquals("", new Close(1000, null).reason());
    }

    @Test
    void forwardedReasonsFitInAControlFrame() {
        Close close = CloseCodes.forward(Side.BACKEND, 4000, "\uD83D\uDE00".repeat(100));

        assertEquals(4000, close.code());
        assertTrue(utf8(close.reason()) <= CloseCodes.MAX_REASON_BYTES);
    }
}
