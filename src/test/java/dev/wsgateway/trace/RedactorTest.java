package dev.wsgateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wsgateway.relay.Utf8;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Redactor fields = new Redactor(Set.of("password", "token"), List.of());

    @Test
    void replacesTheValuesOfTheNamedFieldsInJsonText() {
        assertEquals("{\"user\":\"ann\",\"password\":\"***\",\"n\":1}",
                fields.preview("{\"user\":\"ann\",\"password\":\"hunter2\",\"n\":1}", 1000).text());
    }

    @Test
    void aValueThatTheCutWouldSplitDoesNotShowItsStart() {
        String text = "{\"user\":\"ann\",\"password\":\"correct horse battery staple\"}";
        // 30 bytes end inside the password's value: unredacted, the preview would show "correct ho"
        Redactor.Preview p = fields.preview(text, 30);

        assertEquals("{\"user\":\"ann\",\"password\":\"***\"", p.text());
        assertFalse(p.text().contains("correct"));
        assertTrue(p.truncated());
    }

    @Test
    void aValueLeftOpenAtTheEndOfAFragmentIsRedactedToTheEnd() {
        assertEquals("{\"token\": \"***\"", fields.preview("{\"token\": \"abc.def", 100).text());
    }

    @Test
    void nestedValuesNumbersAndCaseOfTheNameAreCovered() {
        assertEquals("{\"Token\":\"***\",\"password\":\"***\",\"x\":[1]}",
                fields.preview("{\"Token\":{\"a\":\"b\",\"c\":[1,\"}\"]},\"password\":12345,\"x\":[1]}", 1000).text());
    }

    @Test
    void aFieldNameInsideAStringValueIsNotAField() {
        String text = "{\"note\":\"say \\\"password\\\": no\"}";
        assertEquals(text, fields.preview(text, 1000).text());
    }

    @Test
    void patternMatchesAreReplacedBeforeTheCut() {
        Redactor cards = new Redactor(Set.of(), List.of(Pattern.compile("\\d{4}-\\d{4}-\\d{4}-\\d{4}")));
        // the cut at 12 bytes would otherwise show "card 4111-11"
        assertEquals("card ***", cards.preview("card 4111-1111-1111-1111 ok", 8).text());
    }

    @Test
    void cutsWholeCharactersOfUtf8() {
        assertEquals("aé", Utf8.cut("aéz", 3));
        assertEquals("a", Utf8.cut("aéz", 2));
    }

    @Test
    void aPatternThatRunsTooLongWithholdsThePreview() {
        Redactor slow = new Redactor(Set.of(), List.of(Pattern.compile("(a+)+b")));
        assertEquals(Redactor.WITHHELD, slow.preview("a".repeat(5000) + "c", 64).text());
    }
}
