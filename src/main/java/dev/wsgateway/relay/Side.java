package dev.wsgateway.relay;

/** The two ends of a relayed session. In a proxy both are clients and servers; we name them by role. */
public enum Side {
    CLIENT, BACKEND;

    public Side other() {
        return this == CLIENT ? BACKEND : CLIENT;
    }

    public String label() {
        return this == CLIENT ? "client" : "backend";
    }
}
