package dev.wsgateway.route;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.upstream.transport.BackendTls;
import dev.wsgateway.upstream.transport.PemCertificates;
import jakarta.json.JsonObject;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A route's own trust for its {@code wss://} backend, the route field {@code backendTls}: the backend's
 * certificate must chain to one of {@code caCertificates} (PEM, kept as given), instead of the gateway-wide
 * trust. {@code verifyHostname} false skips the check that the certificate names the backend's host.
 */
public record BackendTrust(String caCertificates, boolean verifyHostname) {
    public static final String FIELD = "backendTls";
    private static final Set<String> KNOWN_FIELDS = Set.of("caCertificates", "verifyHostname");

    public BackendTrust {
        if (caCertificates == null) {
            throw new IllegalArgumentException("caCertificates is required");
        }
    }

    /**
     * The route's {@code backendTls} field, validated; null when absent or invalid (the problems, named like
     * {@code backendTls.caCertificates}, are added to {@code f}). {@code backend} is the route's backend URI, null
     * when it is invalid itself.
     */
    static BackendTrust read(JsonFields f, URI backend) {
        JsonObject json = f.object(FIELD);
        if (json == null) {
            return null;
        }
        JsonFields tls = new JsonFields(json, FIELD + ".", f.errors());
        tls.rejectUnknown(KNOWN_FIELDS);
        String pem = tls.string("caCertificates", true);
        Boolean verify = tls.bool("verifyHostname");
        if (pem != null) {
            try {
                PemCertificates.parse(pem);
            } catch (IllegalArgumentException e) {
                tls.error("caCertificates", e.getMessage());
                pem = null;
            }
        }
        if (backend != null && !"wss".equalsIgnoreCase(backend.getScheme())) {
            f.error(FIELD, "applies only to a wss:// backend (a ws:// backend has no TLS)");
            return null;
        }
        return pem == null ? null : new BackendTrust(pem, verify == null || verify);
    }

    public JsonObject toJson() {
        return JSON.createObjectBuilder()
                .add("caCertificates", caCertificates)
                .add("verifyHostname", verifyHostname)
                .build();
    }

    /** A new TLS context trusting exactly these certificates. */
    public BackendTls tls() {
        return BackendTls.trustingPem(caCertificates, verifyHostname);
    }

    /**
     * What an administrator should know though the field is valid: certificates expired or not yet valid at
     * {@code now}. They are accepted (the JDK does not check the validity of a trusted certificate itself, and a
     * route stored before its certificate expired must still load), but a backend chain that needs them valid
     * fails its handshake.
     */
    public List<String> warnings(Instant now) {
        List<String> warnings = new ArrayList<>();
        List<X509Certificate> certificates = PemCertificates.parse(caCertificates);
        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate c = certificates.get(i);
            String which = FIELD + ".caCertificates: certificate " + (i + 1) + " ("
                    + c.getSubjectX500Principal().getName() + ")";
            if (c.getNotAfter().toInstant().isBefore(now)) {
                warnings.add(which + " expired on " + c.getNotAfter().toInstant());
            } else if (c.getNotBefore().toInstant().isAfter(now)) {
                warnings.add(which + " is not valid before " + c.getNotBefore().toInstant());
            }
        }
        return warnings;
    }
}
