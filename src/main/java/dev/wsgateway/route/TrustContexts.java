package dev.wsgateway.route;

import dev.wsgateway.upstream.transport.BackendTls;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The TLS contexts of the routes' own trust ({@code backendTls}), one per distinct setting. A context holds the
 * TLS sessions its connections resume, so it is built once and kept while a route uses it: a route version that
 * changes something else (a timeout, a policy), or a refresh that re-reads every route, keeps it; a changed
 * certificate list gets a new one.
 */
final class TrustContexts {
    private Map<BackendTrust, BackendTls> contexts = new HashMap<>();

    /** The context for {@code trust}: the one built before, or a new one, kept until the next {@link #retain}. */
    synchronized BackendTls get(BackendTrust trust) {
        return contexts.computeIfAbsent(trust, BackendTrust::tls);
    }

    /** Forgets the contexts of settings no route has any more. */
    synchronized void retain(Collection<BackendTrust> inUse) {
        Map<BackendTrust, BackendTls> kept = new HashMap<>();
        for (BackendTrust trust : inUse) {
            BackendTls tls = contexts.get(trust);
            if (tls != null) {
                kept.put(trust, tls);
            }
        }
        contexts = kept;
    }
}
