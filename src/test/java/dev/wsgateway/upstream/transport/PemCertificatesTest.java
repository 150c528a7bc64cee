package dev.wsgateway.upstream.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PEM text as administrators paste it into a route: bundles, comments, and the usual mistakes. */
class PemCertificatesTest {
    static final String ROUTE_BACKEND = pem("route-backend.pem");
    static final String BACKEND = pem("backend.pem");

    static String pem(String name) {
        try (InputStream in = PemCertificatesTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String problem(String pem) {
        return assertThrows(IllegalArgumentException.class, () -> PemCertificates.parse(pem)).getMessage();
    }

    @Test
    void readsOneCertificate() {
        List<X509Certificate> certificates = PemCertificates.parse(ROUTE_BACKEND);
        assertEquals(1, certificates.size());
        assertEquals("CN=localhost,O=ws-gateway route trust test",
                certificates.get(0).getSubjectX500Principal().getName());
    }

    @Test
    void readsABundleInOrderIgnoringTextBetweenBlocksAndCrLfLineEnds() {
        String bundle = "# the route backend's own certificate\nsubject=CN=localhost\n" + ROUTE_BACKEND
                + "\n\n# the other backend\n" + BACKEND.replace("\n", "\r\n") + "trailing words\n";
        List<X509Certificate> certificates = PemCertificates.parse(bundle);
        assertEquals(List.of("CN=localhost,O=ws-gateway route trust test", "CN=localhost"),
                certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }

    @Test
    void refusesTextWithoutAnyCertificate() {
        assertTrue(problem("just some words").startsWith("holds no PEM certificate"));
        assertTrue(problem("").startsWith("holds no PEM certificate"));
    }

    @Test
    void refusesAPrivateKeyAndDoesNotQuoteIt() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
        String message = problem(ROUTE_BACKEND + key);
        assertEquals("block 2 is 'PRIVATE KEY'; only CERTIFICATE blocks belong here", message);
        assertFalse(message.contains("MIGH"));
    }

    @Test
    void refusesABeginLineWithoutItsEndLine() {
        String cut = ROUTE_BACKEND.substring(0, ROUTE_BACKEND.indexOf("-----END"));
        assertEquals("block 1 has a BEGIN line without its END line", problem(cut));
        assertEquals("block 1 has a BEGIN line without its END line", problem(cut + BACKEND));
        assertEquals("block 2 has a BEGIN line without its END line", problem(BACKEND + cut));
    }

    @Test
    void refusesMismatchedBeginAndEndLabels() {
        assertEquals("block 1 begins as CERTIFICATE but ends as X509 CRL",
                problem(ROUTE_BACKEND.replace("END CERTIFICATE", "END X509 CRL")));
    }

    @Test
    void refusesLineBreaksEscapedTwiceInJson() {
        String escaped = ROUTE_BACKEND.strip().replace("\n", "\\n");
        assertTrue(problem(escaped).startsWith("certificate 1 is not base64 between its BEGIN and END lines"),
                problem(escaped));
    }

    @Test
    void refusesBase64ThatIsNotACertificate() {
        String notACertificate = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString("hello, I am not DER".getBytes(StandardCharsets.US_ASCII))
                + "\n-----END CERTIFICATE-----\n";
        assertEquals("certificate 1 is not a valid X.509 certificate", problem(notACertificate));
    }

    @Test
    void refusesBrokenBase64() {
        assertEquals("certificate 1 is not valid base64",
                problem("-----BEGIN CERTIFICATE-----\nMIIB=qjCC\n-----END CERTIFICATE-----"));
    }
}
