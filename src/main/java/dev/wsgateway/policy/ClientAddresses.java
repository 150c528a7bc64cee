package dev.wsgateway.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is at the network level. The TCP peer, unless the peer is a trusted proxy: then
 * {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first address that is
 * not one is the client. A forwarded chain from an untrusted peer is ignored (anyone can write the header).
 */
public final class ClientAddresses {
    private final List<Cidr> trustedProxies;

    public ClientAddresses(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public List<Cidr> trustedProxies() {
        return trustedProxies;
    }

    public boolean trusted(String address) {
        for (Cidr c : trustedProxies) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The client's address for a peer and the request's {@code X-Forwarded-For} values (in order). */
    public String resolve(String peer, List<String> forwardedFor) {
        if (!trusted(peer)) {
            return peer;
        }
        List<String> hops = hops(forwardedFor);
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (Cidr.literal(hop) == null) {
                return client; // garbage in the chain: stop at the last address we could trust
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** The entries of {@code X-Forwarded-For} values, in order. */
    public static List<String> hops(List<String> forwardedFor) {
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        return hops;
    }
}
