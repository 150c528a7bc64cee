package dev.wsgateway.route;

/** An update named a route version (If-Match) that is no longer the current one. */
public class StaleRouteVersionException extends RuntimeException {
    private final long currentVersion;

    public StaleRouteVersionException(String id, long currentVersion) {
        super("route " + id + " is at version " + currentVersion);
        this.currentVersion = currentVersion;
    }

    public long currentVersion() {
        return currentVersion;
    }
}
