package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code GET /api/openapi.yaml} and {@code /api/openapi.json}: the hand-written description of the admin API
 * ({@code META-INF/openapi.yaml}, which servers with MicroProfile OpenAPI also publish as it is). Public: it
 * describes the API, it does not open it.
 */
@Path("/openapi.{format}")
public class OpenApiResource {
    static final String DOCUMENT = "/META-INF/openapi.yaml";
    private static final String YAML_TYPE = "application/yaml";

    private static volatile String yaml;
    private static volatile String json;

    @GET
    public Response document(@PathParam("format") String format) {
        return switch (format) {
            case "yaml" -> Response.ok(yaml(), YAML_TYPE + ";charset=utf-8").build();
            case "json" -> Response.ok(json(), "application/json").build();
            default -> throw new NotFoundException();
        };
    }

    static String yaml() {
        String y = yaml;
        if (y == null) {
            try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
                y = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            yaml = y;
        }
        return y;
    }

    static String json() {
        String j = json;
        if (j == null) {
            j = toJson(parse(yaml())).toString();
            json = j;
        }
        return j;
    }

    /** The document as plain maps and lists (YAML's safe types only). */
    static Object parse(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    private static JsonValue toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            JsonObjectBuilder b = JSON.createObjectBuilder();
            map.forEach((k, v) -> b.add(String.valueOf(k), toJson(v))); // response codes are integer keys in YAML
            return b.build();
        }
        if (value instanceof List<?> list) {
            JsonArrayBuilder b = JSON.createArrayBuilder();
            list.forEach(v -> b.add(toJson(v)));
            return b.build();
        }
        if (value instanceof String s) {
            return JSON.createValue(s);
        }
        if (value instanceof Boolean bool) {
            return bool ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long) {
            return JSON.createValue(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return JSON.createValue(big);
        }
        if (value instanceof Number n) {
            return JSON.createValue(new BigDecimal(n.toString()));
        }
        if (value == null) {
            return JsonValue.NULL;
        }
        return JSON.createValue(value.toString());
    }
}
