package dev.wsgateway.it;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The admin REST API as a test drives it, with the users the build adds to the server's realm. */
final class Admin {
    static final String ADMIN = "it-admin:it-admin-pw";
    static final String NOT_ADMIN = "it-user:it-user-pw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String base;

    Admin(URL base) {
        String b = base.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    HttpResponse<String> send(String method, String path, String body, String credentials, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> as(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        return send(method, path, body, ADMIN, headers);
    }

    /** Creates a route and fails the test unless the gateway answered 201. */
    void createRoute(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = as("POST", "/api/admin/routes", json);
        if (response.statusCode() != 201) {
            throw new AssertionError("route not created: " + response.statusCode() + " " + response.body());
        }
    }

    void createRoute(String id, String path, String backend, String extraFields) throws IOException, InterruptedException {
        createRoute("{\"id\":\"" + id + "\",\"path\":\"" + path + "\",\"backend\":\"" + backend + "\""
                + (extraFields.isEmpty() ? "" : "," + extraFields) + "}");
    }

    /** Tries to create a plain route; the status the gateway answered. */
    int createRouteStatus(String id, String path, String backend) throws IOException, InterruptedException {
        return as("POST", "/api/admin/routes", "{\"id\":\"" + id + "\",\"path\":\"" + path + "\",\"backend\":\""
                + backend + "\"}").statusCode();
    }
}
