package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonException;
import dev.wsgateway.route.JsonFields;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a JSON object request body of bounded size: 413 past the bound, 400 when it is not a JSON object. */
final class JsonBodies {
    private JsonBodies() {
    }

    /**
     * How much of an oversized body is read and thrown away before the 413 goes out. Answering without reading
     * leaves an HTTP/2 client blocked on flow control (seen with the JDK client over h2c on Payara); past this,
     * the server may as well close the connection.
     */
    static final long DISCARD_LIMIT = 1 << 20;

    /** The body as a JSON object whose fields the caller reads and validates (see {@link JsonFields}). */
    static JsonFields readFields(InputStream in, Long declaredLength, int maxBytes) {
        return new JsonFields(readObject(in, declaredLength == null ? -1 : declaredLength, maxBytes), "");
    }

    /** As {@link #readFields}, but an empty body is an empty object (every field optional). */
    static JsonFields readOptionalFields(InputStream in, Long declaredLength, int maxBytes) {
        java.io.PushbackInputStream body = new java.io.PushbackInputStream(in);
        try {
            int first = body.read();
            if (first == -1) {
                return new JsonFields(JsonValue.EMPTY_JSON_OBJECT, "");
            }
            body.unread(first);
        } catch (IOException e) {
            throw new ApiProblem(400, "Bad Request", "The request body could not be read.");
        }
        return readFields(body, declaredLength, maxBytes);
    }

    static JsonObject readObject(InputStream in, long declaredLength, int maxBytes) {
        if (declaredLength > maxBytes) {
            discard(in, Math.min(declaredLength, DISCARD_LIMIT));
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try {
            body = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ApiProblem(400, "Bad Request", "The request body could not be read.");
        }
        if (body.length > maxBytes) {
            discard(in, DISCARD_LIMIT);
            throw tooLarge(maxBytes);
        }
        if (body.length == 0) {
            throw new ApiProblem(400, "Bad Request", "The request body is empty; send a JSON object.");
        }
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new ApiProblem(400, "Bad Request", "The request body must be a JSON object.");
            }
            return value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new ApiProblem(400, "Bad Request", "The request body is not valid JSON (line "
                    + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber() + ").");
        } catch (JsonException e) {
            throw new ApiProblem(400, "Bad Request", "The request body is not valid JSON.");
        }
    }

    private static void discard(InputStream in, long bytes) {
        try {
            in.skipNBytes(Math.max(0, bytes));
        } catch (IOException e) {
            // the body ended early or the client went away: the 413 goes out either way
        }
    }

    private static ApiProblem tooLarge(int maxBytes) {
        return new ApiProblem(413, "Content Too Large", "The request body is larger than " + maxBytes + " bytes.");
    }
}
