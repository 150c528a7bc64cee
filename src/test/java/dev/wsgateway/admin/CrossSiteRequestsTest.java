package dev.wsgateway.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrossSiteRequestsTest {

    @ParameterizedTest(name = "{0} with Sec-Fetch-Site={1}, Origin={2}, Host={3} is refused")
    @CsvSource(nullValues = "-", value = {
            "POST,   cross-site,  http://evil.example,    gw:8080",
            "DELETE, cross-site,  -,                      gw:8080",
            "PUT,    same-site,   http://other.gw:8080,   gw:8080",
            "post,   CROSS-SITE,  -,                      gw:8080",
            "POST,   -,           http://evil.example,    gw:8080",
            "POST,   -,           http://gw:8081,         gw:8080",
            "DELETE, -,           null,                   gw:8080",
            "POST,   -,           http://gw:8080/path,    gw:8080",
            "POST,   -,           http://user@gw:8080,    gw:8080",
            "PATCH,  -,           not an origin,          gw:8080",
            "POST,   -,           http://gw:8080,         -",
    })
    void refusesAChangeABrowserMakesForAnotherSite(String method, String fetchSite, String origin, String host) {
        assertTrue(CrossSiteRequests.refusal(method, fetchSite, origin, host).isPresent());
    }

    @ParameterizedTest(name = "{0} with Sec-Fetch-Site={1}, Origin={2}, Host={3} passes")
    @CsvSource(nullValues = "-", value = {
            "POST,   same-origin, http://gw:8080,         gw:8080",
            "DELETE, same-origin, -,                      gw:8080",
            "POST,   none,        -,                      gw:8080",
            "POST,   -,           -,                      gw:8080",
            "PUT,    -,           http://GW:8080,         gw:8080",
            "POST,   -,           https://gw.example.com, gw.example.com",
            "GET,    cross-site,  http://evil.example,    gw:8080",
            "HEAD,   cross-site,  -,                      gw:8080",
            "OPTIONS, cross-site, http://evil.example,    gw:8080",
    })
    void letsThroughTheGatewaysOwnPagesNonBrowserClientsAndReads(String method, String fetchSite, String origin,
                                                                String host) {
        assertFalse(CrossSiteRequests.refusal(method, fetchSite, origin, host).isPresent());
    }

    @ParameterizedTest(name = "Sec-Fetch-Site={0} decides over Origin={1}")
    @CsvSource({"same-origin, http://evil.example, false", "cross-site, http://gw:8080, true"})
    void theFetchMetadataHeaderDecidesWhenPresent(String fetchSite, String origin, boolean refused) {
        // a proxy that rewrites Host must not lock out a browser that says the request is its own
        assertTrue(CrossSiteRequests.refusal("POST", fetchSite, origin, "gw:8080").isPresent() == refused);
    }
}
