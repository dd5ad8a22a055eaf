package dev.depot.api;

import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route the server registered, with its access and surface (for the route table in the
 * docs, the OpenAPI document and tests), and which surface answers a request that matched none.
 */
public final class RouteTable {
    /** One registered route. */
    public record Route(HandlerType method, String path, Access access, String surface) {}

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Surface> prefixes = new LinkedHashMap<>();
    private final Surface fallback;

    /** @param fallback the surface of a request under no declared prefix that matched no route */
    public RouteTable(Surface fallback) {
        this.fallback = fallback;
    }

    synchronized void add(Route route) {
        routes.add(route);
    }

    synchronized void claim(String pathPrefix, Surface surface) {
        prefixes.put(pathPrefix, surface);
    }

    public Surface fallback() {
        return fallback;
    }

    public synchronized List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The surface a request that matched no route answers on: the one that claimed the longest prefix of its path. */
    public synchronized Surface surfaceOfUnmatched(String path) {
        return prefixes.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue).orElse(fallback);
    }
}
