package dev.wsgateway.policy.message.builtin;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Strict JSON for the message policies: one value per message (RFC 8259: no comments, no single quotes, no
 * trailing content), read with the Jackson the schema validator brings, so every server parses alike. Jackson's
 * read limits (nesting depth, string and number length) apply; a message over them is invalid JSON too.
 */
final class JsonText {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Why {@link #parse} or {@link #problem} refused a text: a short description, never the content. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private JsonText() {
    }

    /** The value {@code text} holds. */
    static JsonNode parse(String text) throws Invalid {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalid(e);
        }
        if (node == null || node.isMissingNode()) { // Jackson's answer to no content at all
            throw new Invalid("invalid JSON: empty message");
        }
        return node;
    }

    /** Null when {@code text} is one well-formed JSON value, else why not; builds no tree. */
    static String problem(String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return "invalid JSON: empty message";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "invalid JSON: more than one value at " + at(parser.currentTokenLocation());
            }
            return null;
        } catch (JacksonException e) {
            return invalid(e).getMessage();
        }
    }

    private static Invalid invalid(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        return new Invalid(location == null || location == TokenStreamLocation.NA ? "invalid JSON"
                : "invalid JSON at " + at(location));
    }

    private static String at(TokenStreamLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
