package dev.wsgateway.route;

import java.util.List;

/** A route definition was rejected; carries every field's problem, not just the first. */
public class InvalidRouteException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidRouteException(List<FieldError> errors) {
        super("invalid route: " + errors);
        this.errors = List.copyOf(errors);
    }

    public InvalidRouteException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
