package dev.wsgateway.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API: {@code /api/admin/...}, protected by role {@code gateway-admin} (see web.xml). */
@ApplicationPath("/api")
public class AdminApplication extends Application {
}
