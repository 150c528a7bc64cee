package dev.wsgateway.admin;

import static dev.wsgateway.config.JsonSupport.JSON;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Refuses state-changing admin requests that a browser sends on behalf of another site (CSRF), with 403
 * before any resource runs. The container has already authenticated the request (web.xml), so this answers
 * only requests that carry an administrator's credentials. See {@link CrossSiteRequests} for the rule.
 */
@WebFilter(urlPatterns = "/api/admin/*", asyncSupported = true)
public class CrossSiteRequestFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(CrossSiteRequestFilter.class.getName());

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> refusal = CrossSiteRequests.refusal(request.getMethod(), request.getHeader("Sec-Fetch-Site"),
                request.getHeader("Origin"), host(request));
        if (refusal.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        LOG.warning(() -> "Refused a cross-site " + request.getMethod() + " " + request.getRequestURI()
                + " from " + request.getRemoteAddr() + ": " + refusal.get());
        byte[] body = JSON.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", "Forbidden")
                .add("status", 403)
                .add("detail", refusal.get())
                .build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(403);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The authority the client addressed: its {@code Host} header, or over HTTP/2 (no {@code Host}; the
     * JDK's client upgrades to h2c on Open Liberty) the server name and port the container took from
     * {@code :authority}, the port left out when it is the scheme's default, as an {@code Origin} leaves it out.
     */
    static String host(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host != null && !host.isBlank()) {
            return host;
        }
        int port = request.getServerPort();
        boolean defaultPort = port <= 0 || ("https".equalsIgnoreCase(request.getScheme()) ? port == 443 : port == 80);
        return defaultPort ? request.getServerName() : request.getServerName() + ":" + port;
    }
}
