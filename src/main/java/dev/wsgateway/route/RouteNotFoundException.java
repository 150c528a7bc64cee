package dev.wsgateway.route;

public class RouteNotFoundException extends RuntimeException {
    public RouteNotFoundException(String id) {
        super("no route with id '" + id + "'");
    }
}
