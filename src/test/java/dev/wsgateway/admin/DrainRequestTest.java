package dev.wsgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.route.FieldError;
import dev.wsgateway.route.JsonFields;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DrainRequestTest {
    private static final Close DEFAULT = new Close(1012, "configured reason");

    private static DrainRequest parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return DrainRequest.parse(new JsonFields(reader.readObject(), ""), 30, DEFAULT);
        }
    }

    private static List<String> problems(String json) {
        ApiProblem p = assertThrows(ApiProblem.class, () -> parse(json));
        assertEquals(400, p.status());
        return p.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void anEmptyBodyOrObjectTakesTheConfiguredDefaults() {
        assertEquals(new DrainRequest(30, DEFAULT), DrainRequest.parse(null, 30, DEFAULT));
        assertEquals(new DrainRequest(30, DEFAULT), parse("{}"));
    }

    @Test
    void takesEveryFieldAsGiven() {
        assertEquals(new DrainRequest(5, new Close(1001, "moving to another zone")),
                parse("{\"windowSeconds\":5,\"code\":1001,\"reason\":\"moving to another zone\"}"));
    }

    @Test
    void anotherCodeWithoutAReasonGetsAReasonOfItsOwn() {
        assertEquals(new Close(1001, "gateway going away"), parse("{\"code\":1001}").close());
        assertEquals(DEFAULT, parse("{\"code\":1012}").close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "1008", "4000", "1005"})
    void refusesACodeOtherThanServiceRestartOrGoingAway(String code) {
        assertEquals(List.of("code"), problems("{\"code\":" + code + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "3601", "1.5", "\"30\""})
    void refusesAWindowOutsideZeroToAnHour(String window) {
        assertEquals(List.of("windowSeconds"), problems("{\"windowSeconds\":" + window + "}"));
    }

    @Test
    void refusesAReasonOver123BytesAndUnknownFieldsAllAtOnce() {
        assertEquals(List.of("window", "reason"),
                problems("{\"window\":3,\"reason\":\"" + "é".repeat(62) + "\"}"));
        parse("{\"reason\":\"" + "a".repeat(123) + "\"}");
    }
}
