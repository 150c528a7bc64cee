package dev.wsgateway.admin;

import jakarta.json.Json;
import jakarta.json.JsonException;
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

    static JsonObject readObject(InputStream in, long declaredLength, int maxBytes) {
        if (declaredLength > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body;
        try {
            body = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ApiProblem(400, "Bad Request", "The request body could not be read.");
        }
        if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (body.length == 0) {
            throw new ApiProblem(400, "Bad Request", "The request body is empty; send a JSON object.");
        }
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
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

    private static ApiProblem tooLarge(int maxBytes) {
        return new ApiProblem(413, "Content Too Large", "The request body is larger than " + maxBytes + " bytes.");
    }
}
