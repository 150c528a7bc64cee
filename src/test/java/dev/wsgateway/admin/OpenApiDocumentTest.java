package dev.wsgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** openapi.yaml and the JAX-RS resources describe the same operations, found by reflection over admin/. */
class OpenApiDocumentTest {
    private static final Map<Class<? extends Annotation>, String> VERBS = Map.of(GET.class, "get", POST.class, "post",
            PUT.class, "put", DELETE.class, "delete", PATCH.class, "patch", HEAD.class, "head");

    /** "get /api/admin/routes/{}" for every resource method of the admin package's root resources. */
    private static Set<String> resourceOperations() throws Exception {
        String applicationPath = AdminApplication.class.getAnnotation(jakarta.ws.rs.ApplicationPath.class).value();
        Set<String> operations = new TreeSet<>();
        for (Class<?> resource : adminClasses()) {
            Path classPath = resource.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method m : resource.getDeclaredMethods()) {
                for (var verb : VERBS.entrySet()) {
                    if (m.isAnnotationPresent(verb.getKey())) {
                        Path methodPath = m.getAnnotation(Path.class);
                        operations.add(verb.getValue() + " " + normalize(applicationPath + "/" + classPath.value()
                                + (methodPath == null ? "" : "/" + methodPath.value())));
                    }
                }
            }
        }
        return operations;
    }

    private static Set<Class<?>> adminClasses() throws URISyntaxException, Exception {
        java.nio.file.Path dir = Paths.get(AdminApplication.class.getResource("AdminApplication.class").toURI()).getParent();
        Set<Class<?>> classes = new java.util.HashSet<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    classes.add(Class.forName("dev.wsgateway.admin." + name.substring(0, name.length() - 6)));
                }
            }
        }
        return classes;
    }

    /** Slashes collapsed, parameter names and regexes dropped: {@code /api/admin/routes/{}}. */
    private static String normalize(String path) {
        String p = path.replaceAll("\\{[^}]*}", "{}").replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static Set<String> documentedOperations() {
        JsonObject doc = Json.createReader(new StringReader(OpenApiResource.json())).readObject();
        assertEquals("3.1.0", doc.getString("openapi"));
        Set<String> operations = new TreeSet<>();
        for (var path : doc.getJsonObject("paths").entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue; // /metrics (a servlet) and /health (the server's) are not JAX-RS resources
            }
            for (String key : path.getValue().asJsonObject().keySet()) {
                if (VERBS.containsValue(key)) {
                    operations.add(key + " " + normalize(path.getKey()));
                }
            }
        }
        return operations;
    }

    @Test
    void everyResourceMethodIsDocumentedAndEveryDocumentedOperationExists() throws Exception {
        Set<String> resources = resourceOperations();
        assertTrue(resources.contains("delete /api/admin/sessions/{}"), resources.toString());
        assertEquals(resources, documentedOperations());
    }

    @Test
    void theJsonFormIsTheYamlDocument() {
        JsonObject doc = Json.createReader(new StringReader(OpenApiResource.json())).readObject();
        assertTrue(doc.getJsonObject("paths").getJsonObject("/api/admin/sessions/{id}").getJsonObject("delete")
                .getJsonObject("responses").containsKey("400"), "integer response codes become string keys");
        assertTrue(OpenApiResource.yaml().startsWith("openapi: 3.1.0"));
    }
}
