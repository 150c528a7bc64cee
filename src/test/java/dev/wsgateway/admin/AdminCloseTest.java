package dev.wsgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wsgateway.relay.CloseCodes.Close;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AdminCloseTest {
    @ParameterizedTest
    @ValueSource(strings = {"1000", "1001", "1003", "1007", "1008", "1011", "1014", "3000", "4000", "4999"})
    void acceptsCodesAClientMayReceive(String code) {
        assertEquals(new Close(Integer.parseInt(code), "why"), AdminClose.parse(code, "why"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1004", "1005", "1006", "1015", "1016", "2999", "999", "5000", "0", "-1", "abc", ""})
    void refusesCodesAClientMayNotReceive(String code) {
        assertEquals(400, assertThrows(ApiProblem.class, () -> AdminClose.parse(code, null)).status());
    }

    @Test
    void refusesAReasonOver123BytesOfUtf8() {
        String fits = "é".repeat(61) + "x"; // 123 bytes
        assertEquals(fits, AdminClose.parse("4000", fits).reason());
        assertThrows(ApiProblem.class, () -> AdminClose.parse("4000", "é".repeat(62)));
    }

    @Test
    void noCodeMeansTheGatewaysDefaultAndAReasonAloneIsRefused() {
        assertNull(AdminClose.parse(null, null));
        assertThrows(ApiProblem.class, () -> AdminClose.parse(null, "why"));
    }
}
