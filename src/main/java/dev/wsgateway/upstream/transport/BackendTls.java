package dev.wsgateway.upstream.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the gateway trusts {@code wss://} backends: one {@link SSLContext} (so TLS sessions are resumed: engines
 * are created with the backend's host and port, the key of the JDK's client session cache), the server name
 * sent (SNI), and hostname verification (on unless turned off).
 */
public final class BackendTls {
    private final SSLContext context;
    private final boolean verifyHostname;

    private BackendTls(SSLContext context, boolean verifyHostname) {
        this.context = context;
        this.verifyHostname = verifyHostname;
    }

    /** The JVM's default trust (its {@code cacerts} or {@code javax.net.ssl.trustStore}), hostnames verified. */
    public static BackendTls jvmDefault() {
        try {
            return new BackendTls(SSLContext.getDefault(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /** Trusts exactly the certificates in a trust store file (PKCS12 or JKS; the password may be null). */
    public static BackendTls trusting(Path trustStore, char[] password, String type, boolean verifyHostname) {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance(type == null || type.isBlank() ? KeyStore.getDefaultType() : type);
            store.load(in, password);
            return trusting(store, verifyHostname);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the backend trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trusts exactly the certificates in PEM text (CA certificates, or a backend's own self-signed one), not the
     * JVM's: a route's own trust. Build it once and keep it, since its TLS sessions are resumed only through it.
     *
     * @throws IllegalArgumentException when the text is not one or more PEM certificates ({@link PemCertificates})
     */
    public static BackendTls trustingPem(String pem, boolean verifyHostname) {
        List<X509Certificate> certificates = PemCertificates.parse(pem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return trusting(store, verifyHostname);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context for the given certificates: " + e.getMessage(), e);
        }
    }

    private static BackendTls trusting(KeyStore store, boolean verifyHostname) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return new BackendTls(context, verifyHostname);
    }

    /** The JVM's default trust with hostname verification as given. */
    public static BackendTls jvmDefault(boolean verifyHostname) {
        return verifyHostname ? jvmDefault() : new BackendTls(jvmDefault().context, false);
    }

    public boolean verifiesHostname() {
        return verifyHostname;
    }

    /** A client engine for one connection to {@code host:port}. */
    SSLEngine engine(String host, int port) {
        String peer = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        SSLEngine engine = context.createSSLEngine(peer, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (verifyHostname) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(peer)) {
            try {
                parameters.setServerNames(List.of(new SNIHostName(peer)));
            } catch (IllegalArgumentException notAnSniName) {
                // a name SNI cannot carry (RFC 6066: LDH labels only): sent without it
            }
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return !host.isEmpty();
    }
}
