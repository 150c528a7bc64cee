package dev.wsgateway.admin;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request to the admin API may change anything, judged by what a browser says about where the
 * request comes from. The admin API authenticates with HTTP Basic, which a browser attaches to any request to
 * the gateway, also one a page of another site makes it send (a form POST, a {@code fetch} without CORS). So a
 * state-changing request is refused when the browser marks it as not coming from the gateway's own pages:
 * <ul>
 * <li>{@code Sec-Fetch-Site} (every current browser sends it) other than {@code same-origin} or {@code none}
 *     (typed by the user);</li>
 * <li>without it, an {@code Origin} whose host and port are not the request's {@code Host}.</li>
 * </ul>
 * A request with neither header is not a browser's (curl, scripts, the tests' clients) and passes. Reads pass
 * too: another site can make a browser send them but cannot read the answer (the gateway allows no CORS).
 */
public final class CrossSiteRequests {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> OWN_SITE = Set.of("same-origin", "none");

    private CrossSiteRequests() {
    }

    /** Why the request must be refused, or empty when it may go on. */
    public static Optional<String> refusal(String method, String secFetchSite, String origin, String host) {
        if (method == null || SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        if (secFetchSite != null && !secFetchSite.isBlank()) {
            return OWN_SITE.contains(secFetchSite.trim().toLowerCase(Locale.ROOT)) ? Optional.empty()
                    : Optional.of("The admin API takes changes only from the gateway's own pages (Sec-Fetch-Site: "
                            + printable(secFetchSite) + ").");
        }
        if (origin == null || origin.isBlank()) {
            return Optional.empty();
        }
        String authority = authority(origin.trim());
        if (authority != null && host != null && authority.equalsIgnoreCase(host.trim())) {
            return Optional.empty();
        }
        return Optional.of("The admin API takes changes only from the gateway's own pages (Origin: "
                + printable(origin) + ").");
    }

    /** "https://gw.example.com:8443" -> "gw.example.com:8443"; null for "null" or anything that is not an origin. */
    private static String authority(String origin) {
        try {
            URI uri = new URI(origin);
            if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
                return null;
            }
            return uri.getRawAuthority();
        } catch (Exception e) {
            return null;
        }
    }

    /** A header value as it may appear in a problem detail: short, printable ASCII only. */
    private static String printable(String value) {
        StringBuilder b = new StringBuilder();
        value.chars().limit(80).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }
}
