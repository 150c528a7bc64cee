package dev.wsgateway.route;

/** A route would collide with an existing one (same id on create, or same path). */
public class RouteConflictException extends RuntimeException {
    public RouteConflictException(String message) {
        super(message);
    }
}
