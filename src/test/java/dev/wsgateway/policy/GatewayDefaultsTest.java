package dev.wsgateway.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayDefaultsTest {
    private final GatewayDefaults defaults = key -> Optional.ofNullable(Map.of("s", " text ", "blank", "  ",
            "i", "42", "bad-i", "4x", "b", "TRUE", "bad-b", "yes", "l", " a, ,b ,, c ").get(key));

    @Test
    void blankIsAbsentAndValuesAreTrimmed() {
        assertEquals(Optional.of("text"), defaults.get("s"));
        assertEquals(Optional.empty(), defaults.get("blank"));
        assertEquals("fallback", defaults.string("blank", "fallback"));
        assertEquals("fallback", defaults.string("missing", "fallback"));
    }

    @Test
    void typedValues() {
        assertEquals(42, defaults.integer("i", 7));
        assertEquals(7, defaults.integer("missing", 7));
        assertTrue(defaults.bool("b", false));
        assertFalse(defaults.bool("missing", false));
        assertEquals(List.of("a", "b", "c"), defaults.list("l"));
        assertEquals(List.of(), defaults.list("blank"));
    }

    @Test
    void wrongTypesNameTheKey() {
        assertEquals("bad-i must be an integer, not '4x'",
                assertThrows(IllegalArgumentException.class, () -> defaults.integer("bad-i", 0)).getMessage());
        assertEquals("bad-b must be true or false, not 'yes'",
                assertThrows(IllegalArgumentException.class, () -> defaults.bool("bad-b", false)).getMessage());
    }
}
