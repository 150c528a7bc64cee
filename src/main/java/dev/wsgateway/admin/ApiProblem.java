package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.route.FieldError;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An error of the admin API, answered as RFC 9457 {@code application/problem+json}. */
public class ApiProblem extends RuntimeException {
    public static final String MEDIA_TYPE = "application/problem+json";
    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public ApiProblem(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors;
    }

    public int status() {
        return status;
    }

    /** The fields' problems (empty when the problem is not about fields). */
    public List<FieldError> errors() {
        return errors;
    }

    public Response toResponse() {
        return response(status, title, getMessage(), errors);
    }

    static Response response(int status, String title, String detail, List<FieldError> errors) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail);
        if (!errors.isEmpty()) {
            JsonArrayBuilder array = JSON.createArrayBuilder();
            errors.forEach(e -> array.add(JSON.createObjectBuilder().add("field", e.field()).add("message", e.message())));
            body.add("errors", array);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString()).build();
    }
}
