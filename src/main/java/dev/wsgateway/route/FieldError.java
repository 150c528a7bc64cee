package dev.wsgateway.route;

/** One problem with one field of a submitted route definition. */
public record FieldError(String field, String message) {
}
