package dev.wsgateway.admin;

import dev.wsgateway.route.InvalidRouteException;
import dev.wsgateway.route.RouteConflictException;
import dev.wsgateway.route.RouteNotFoundException;
import dev.wsgateway.route.StaleRouteVersionException;
import dev.wsgateway.store.StoreUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every error of the admin API becomes a problem document; nothing internal (no stack trace) leaks. */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    @Provider
    public static class Problems implements ExceptionMapper<ApiProblem> {
        @Override
        public Response toResponse(ApiProblem e) {
            return e.toResponse();
        }
    }

    @Provider
    public static class InvalidRoutes implements ExceptionMapper<InvalidRouteException> {
        @Override
        public Response toResponse(InvalidRouteException e) {
            return ApiProblem.response(400, "Bad Request", "The route definition is invalid.", e.errors());
        }
    }

    @Provider
    public static class Conflicts implements ExceptionMapper<RouteConflictException> {
        @Override
        public Response toResponse(RouteConflictException e) {
            return ApiProblem.response(409, "Conflict", e.getMessage(), List.of());
        }
    }

    @Provider
    public static class NotFound implements ExceptionMapper<RouteNotFoundException> {
        @Override
        public Response toResponse(RouteNotFoundException e) {
            return ApiProblem.response(404, "Not Found", e.getMessage(), List.of());
        }
    }

    @Provider
    public static class Stale implements ExceptionMapper<StaleRouteVersionException> {
        @Override
        public Response toResponse(StaleRouteVersionException e) {
            return Response.fromResponse(ApiProblem.response(412, "Precondition Failed",
                            "The route was changed since you read it (it is at version " + e.currentVersion()
                                    + "); read it again and retry.", List.of()))
                    .tag(RoutesResource.etag(e.currentVersion()))
                    .build();
        }
    }

    /** The cluster's database cannot be reached: nothing was written, the client may retry. */
    @Provider
    public static class StoreUnavailable implements ExceptionMapper<StoreUnavailableException> {
        @Override
        public Response toResponse(StoreUnavailableException e) {
            LOG.log(Level.WARNING, "admin API: " + e.getMessage());
            return Response.fromResponse(ApiProblem.response(503, "Service Unavailable",
                            "The gateway's shared store cannot be reached right now; nothing was changed. Retry later.",
                            List.of()))
                    .header("Retry-After", StoreUnavailableException.RETRY_AFTER_SECONDS)
                    .build();
        }
    }

    /** JAX-RS's own errors (unknown path 404, 405, 415, 406) keep their status, with a problem body. */
    @Provider
    public static class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            Response.StatusType status = original.getStatusInfo();
            Response problem = ApiProblem.response(status.getStatusCode(), status.getReasonPhrase(),
                    status.getReasonPhrase(), List.of());
            Response.ResponseBuilder builder = Response.fromResponse(problem);
            original.getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(v -> builder.header(name, v));
                }
            });
            return builder.build();
        }
    }

    @Provider
    public static class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.log(Level.SEVERE, "admin API failure", e);
            return ApiProblem.response(500, "Internal Server Error", "The gateway could not complete the request.",
                    List.of());
        }
    }
}
