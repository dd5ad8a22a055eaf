package dev.depot.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 description of the native API ({@code /v1}), built from the routes as they are
 * registered, so it cannot miss one. Each operation states the scope it needs; the error
 * envelope and every error code are described once, in {@code components}.
 */
public final class OpenApiDocument {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    /** Error codes of the native envelope and what they mean (docs/api.md lists the same). */
    public static final Map<Integer, String> ERROR_CODES = orderedCodes();

    private static Map<Integer, String> orderedCodes() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(1000, "Internal error (HTTP 500).");
        m.put(3001, "Entity not found, or not visible to the caller; also an unknown route (HTTP 404).");
        m.put(3002, "Unknown repository state hash: never issued, or older than the kept history; fetch the index (HTTP 404).");
        m.put(4000, "Invalid request: a missing or malformed field, or a broken rule (HTTP 400).");
        m.put(4002, "No auth token (HTTP 401).");
        m.put(4003, "The token lacks the scope, or the user the role (HTTP 403).");
        m.put(4004, "Invalid token: unknown or revoked (HTTP 401).");
        m.put(4005, "Token expired: an API token (HTTP 401), or a download token or link (HTTP 410).");
        m.put(4009, "Conflict: the entity already exists (HTTP 409).");
        m.put(4010, "Gone: an upload that expired (HTTP 410).");
        m.put(4029, "Throttled; Retry-After says when to retry (HTTP 429).");
        m.put(5014, "Build Not Processed: the build is still being inspected or failed inspection (HTTP 409).");
        m.put(5003, "Unavailable: the database or the blob storage did not answer; retry later (HTTP 503).");
        m.put(5016, "No APK can be served for this app bundle: no universal APK could be made (HTTP 409).");
        return Map.copyOf(m).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .collect(LinkedHashMap::new, (a, e) -> a.put(e.getKey(), e.getValue()), Map::putAll);
    }

    private OpenApiDocument() {}

    public static Map<String, Object> build(List<RouteTable.Route> routes, String serverUrl, String version) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (RouteTable.Route r : routes) {
            if (!r.path().startsWith("/v1/") || r.method().name().equals("OPTIONS")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
            item.put(r.method().name().toLowerCase(), operation(r));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Depot native API", "version", version,
                "description", "Answers use the envelope {\"status\":true,\"data\":...}; errors {\"status\":false,"
                        + "\"error\":{\"code\":N,\"message\":\"...\"}} with the codes of components.schemas.ErrorCode."));
        doc.put("servers", List.of(Map.of("url", serverUrl)));
        doc.put("paths", paths);
        doc.put("components", components());
        return doc;
    }

    private static Map<String, Object> operation(RouteTable.Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", r.method().name().toLowerCase() + r.path().replaceAll("[^A-Za-z0-9]+", "_"));
        List<Object> params = new ArrayList<>();
        Matcher m = PARAM.matcher(r.path());
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (r.access() == Access.PUBLIC) {
            op.put("security", List.of());
            op.put("description", "Public: protected by the signed token or link in its path.");
        } else if (r.access() == Access.DEVICE) {
            op.put("security", List.of());
            op.put("description", "For a device: its installation's token in the Depot-Installation-Token header.");
        } else {
            op.put("security", List.of(Map.of("token", List.of(r.access().scope().wireName()))));
            op.put("description", "Needs a token with the '" + r.access().scope().wireName() + "' scope.");
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("2XX", Map.of("description", "Success", "content", Map.of("application/json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Success")))));
        responses.put("default", Map.of("description", "An error with one of the documented codes",
                "content", Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
        op.put("responses", responses);
        return op;
    }

    private static Map<String, Object> components() {
        Map<String, Object> codes = new LinkedHashMap<>();
        codes.put("type", "integer");
        codes.put("enum", List.copyOf(ERROR_CODES.keySet()));
        List<String> lines = new ArrayList<>();
        ERROR_CODES.forEach((k, v) -> lines.add(k + ": " + v));
        codes.put("description", String.join("\n", lines));
        Map<String, Object> schemas = new LinkedHashMap<>();
        schemas.put("ErrorCode", codes);
        schemas.put("Success", Map.of("type", "object", "required", List.of("status", "data"), "properties",
                Map.of("status", Map.of("const", true), "data", Map.of())));
        schemas.put("Error", Map.of("type", "object", "required", List.of("status", "error"), "properties",
                Map.of("status", Map.of("const", false), "error", Map.of("type", "object", "required", List.of("code", "message"),
                        "properties", Map.of("code", Map.of("$ref", "#/components/schemas/ErrorCode"),
                                "message", Map.of("type", "string"))))));
        return Map.of("schemas", schemas, "securitySchemes", Map.of("token", Map.of("type", "http", "scheme", "bearer",
                "description", "An API token, as 'Authorization: Bearer <t>' or 'Authorization: Token <t>'.")));
    }
}
