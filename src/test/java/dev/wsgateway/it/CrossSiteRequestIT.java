package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * CSRF: what a page of another site can make the operator's browser send to the admin API, replayed with the
 * headers the browser adds (it also attaches the operator's cached Basic credentials). Each is refused with 403
 * and changes nothing; the gateway's own page and non-browser clients go through.
 */
class CrossSiteRequestIT extends GatewayTestBase {
    private static final String EVIL = "http://evil.example";

    private String ownOrigin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    @Test
    void aCrossSiteFormPostWithTheAdminsCredentialsIsRefusedAndCreatesNoKey() throws Exception {
        // <form method=post enctype=text/plain action=.../api/admin/keys> with a JSON-looking field, auto-submitted
        HttpResponse<String> response = admin().as("POST", "/api/admin/keys", null,
                "Content-Type", "text/plain", "Origin", EVIL, "Sec-Fetch-Site", "cross-site",
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document");
        assertEquals(403, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().contains("own pages"), response.body());

        HttpResponse<String> jsonPost = admin().as("POST", "/api/admin/keys", "{\"name\":\"planted\"}",
                "Origin", EVIL, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors");
        assertEquals(403, jsonPost.statusCode(), jsonPost.body());
        assertFalse(admin().as("GET", "/api/admin/keys", null).body().contains("planted"));
    }

    @Test
    void aCrossSiteDeleteFromABrowserWithoutFetchMetadataIsRefusedByItsOrigin() throws Exception {
        admin().createRoute("csrf-keep", "/csrf-keep", backend.uri("/echo"), "");
        HttpResponse<String> response = admin().as("DELETE", "/api/admin/routes/csrf-keep", null, "Origin", EVIL);
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(200, admin().as("GET", "/api/admin/routes/csrf-keep", null).statusCode());
    }

    @Test
    void aCrossSiteCloseOfALiveSessionIsRefusedAndTheSessionRelaysOn() throws Exception {
        admin().createRoute("csrf-session", "/csrf-session", backend.uri("/echo"), "");
        try (WsClient client = WsClient.connect(ws("/csrf-session"))) {
            client.send("before");
            assertEquals("before", client.nextText());
            String id = Json.createReader(new StringReader(
                            admin().as("GET", "/api/admin/sessions?route=csrf-session", null).body()))
                    .readArray().getJsonObject(0).getString("id");
            HttpResponse<String> response = admin().as("DELETE", "/api/admin/sessions/" + id + "?code=4000", null,
                    "Origin", "null", "Sec-Fetch-Site", "same-site");
            assertEquals(403, response.statusCode(), response.body());
            client.send("after");
            assertEquals("after", client.nextText());
        }
    }

    @Test
    void theGatewaysOwnPageAndNonBrowserClientsCanChangeThings() throws Exception {
        HttpResponse<String> fromPage = admin().as("POST", "/api/admin/keys", "{\"name\":\"from the page\"}",
                "Origin", ownOrigin(), "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors");
        assertEquals(201, fromPage.statusCode(), fromPage.body());
        HttpResponse<String> olderBrowser = admin().as("POST", "/api/admin/keys", "{\"name\":\"older browser\"}",
                "Origin", ownOrigin());
        assertEquals(201, olderBrowser.statusCode(), olderBrowser.body());
        assertEquals(201, admin().as("POST", "/api/admin/keys", "{\"name\":\"curl\"}").statusCode());
    }

    @Test
    void aCrossSiteRequestWithoutCredentialsGets401AndCrossSiteReadsAreAnswered() throws Exception {
        assertEquals(401, admin().send("POST", "/api/admin/keys", "{\"name\":\"anonymous\"}", null,
                "Origin", EVIL, "Sec-Fetch-Site", "cross-site").statusCode());
        assertEquals(200, admin().as("GET", "/api/admin/keys", null, "Origin", EVIL, "Sec-Fetch-Site", "cross-site")
                .statusCode());
    }
}
