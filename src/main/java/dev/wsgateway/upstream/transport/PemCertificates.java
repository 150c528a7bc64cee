package dev.wsgateway.upstream.transport;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * X.509 certificates in PEM text (RFC 7468): one or more {@code -----BEGIN CERTIFICATE-----} blocks. Text
 * between blocks is ignored, as RFC 7468 asks (bundles often carry a subject line or a comment before each).
 * Any other kind of block (a private key, a request) is refused, not skipped: pasting a key where certificates
 * belong is a mistake worth saying. Messages never quote the input.
 */
public final class PemCertificates {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END ([A-Z0-9 ]{1,40})-----", Pattern.DOTALL);
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");

    private PemCertificates() {
    }

    /**
     * The certificates, in the order given.
     *
     * @throws IllegalArgumentException saying what is wrong (and with which block, counted from 1) when the text
     *                                  holds no certificate, a block other than a certificate, a block without
     *                                  its end line, or one that is not a DER-encoded X.509 certificate
     */
    public static List<X509Certificate> parse(String pem) {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        int end = 0;
        int block = 0;
        while (m.find()) {
            block++;
            if (pem.substring(end, m.start()).contains("-----BEGIN")) {
                throw new IllegalArgumentException("block " + block + " has a BEGIN line without its END line");
            }
            end = m.end();
            String label = m.group(1);
            String body = m.group(2);
            if (body.contains("-----BEGIN")) {
                throw new IllegalArgumentException("block " + block + " has a BEGIN line without its END line");
            }
            if (!label.equals(m.group(3))) {
                throw new IllegalArgumentException("block " + block + " begins as " + label + " but ends as "
                        + m.group(3));
            }
            if (!label.equals("CERTIFICATE")) {
                throw new IllegalArgumentException("block " + block + " is '" + label
                        + "'; only CERTIFICATE blocks belong here");
            }
            if (!BASE64.matcher(body).matches()) {
                throw new IllegalArgumentException("certificate " + block + " is not base64 between its BEGIN and "
                        + "END lines (a JSON string needs \\n for its line breaks, not \\\\n)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificate " + block + " is not valid base64");
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | RuntimeException e) {
                throw new IllegalArgumentException("certificate " + block + " is not a valid X.509 certificate");
            }
        }
        if (pem.substring(end).contains("-----BEGIN")) {
            throw new IllegalArgumentException("block " + (block + 1) + " has a BEGIN line without its END line");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE----- ... "
                    + "-----END CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }
}
