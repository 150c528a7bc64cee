package dev.wsgateway.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Response headers of the admin page (/admin/): no framing by another site (clickjacking the page's buttons
 * would change things as the operator), scripts and connections to the gateway itself only, nothing cached.
 * Alpine.js evaluates its attribute expressions with {@code new Function}, hence {@code 'unsafe-eval'}; the
 * expressions are the page's own, and data is only ever rendered as text ({@code x-text}).
 */
@WebFilter(urlPatterns = "/admin/*", asyncSupported = true)
public class AdminPageFilter extends HttpFilter {
    static final String POLICY = "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        chain.doFilter(request, response);
    }
}
