package dev.wsgateway.metrics;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: every meter, in the Prometheus text format, or OpenMetrics when {@code Accept} asks for
 * {@code application/openmetrics-text}. Roles gateway-admin or gateway-metrics (web.xml).
 */
@WebServlet(urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {
    @Inject
    GatewayMeters meters;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = GatewayMeters.contentTypeFor(request.getHeader("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        meters.scrape(body, contentType);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.size());
        body.writeTo(response.getOutputStream());
    }
}
