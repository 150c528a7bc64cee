package dev.wsgateway.route;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** An immutable snapshot of the effective routes, matched by longest path prefix. */
public final class RouteTable {
    private final List<Route> byPathLengthDesc;

    public RouteTable(List<Route> routes) {
        this.byPathLengthDesc = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.path().length()).reversed())
                .toList();
    }

    /** The route with the longest path covering {@code requestPath}, enabled or not. */
    public Optional<Route> match(String requestPath) {
        for (Route route : byPathLengthDesc) {
            if (RoutePaths.covers(route.path(), requestPath)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return byPathLengthDesc.size();
    }
}
