package dev.depot.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Registers routes so that none can be added without stating its {@link Access}, each on the
 * {@link Surface} that renders its errors; every route lands in the {@link RouteTable}. A GET
 * route answers HEAD too, with the same access, unless a HEAD route of its own is registered
 * ({@link #headsOfGets()} adds those once every route is in).
 */
public final class Routes {
    private final RoutesConfig config;
    private final RouteTable table;
    private final Surface surface;
    /** The HEAD twins of GET routes, by path, until a route registers its own HEAD. */
    private final Map<String, Runnable> headsOfGets;
    private final Set<String> ownHeads;

    /** Routes registered here answer on the table's fallback surface until {@link #on} says otherwise. */
    public Routes(RoutesConfig config, RouteTable table) {
        this(config, table, table.fallback(), new LinkedHashMap<>(), new HashSet<>());
    }

    private Routes(RoutesConfig config, RouteTable table, Surface surface, Map<String, Runnable> headsOfGets,
                   Set<String> ownHeads) {
        this.config = config;
        this.table = table;
        this.surface = surface;
        this.headsOfGets = headsOfGets;
        this.ownHeads = ownHeads;
    }

    /**
     * Registers on {@code surface}; a request under one of {@code pathPrefixes} that matches no
     * route answers on it too (shipper's clients get shipper's 404).
     */
    public Routes on(Surface surface, String... pathPrefixes) {
        for (String prefix : pathPrefixes) {
            table.claim(prefix, surface);
        }
        return new Routes(config, table, surface, headsOfGets, ownHeads);
    }

    public Routes get(String path, Access access, Handler handler) {
        return add(HandlerType.GET, path, access, handler);
    }

    public Routes head(String path, Access access, Handler handler) {
        return add(HandlerType.HEAD, path, access, handler);
    }

    public Routes post(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, handler);
    }

    public Routes put(String path, Access access, Handler handler) {
        return add(HandlerType.PUT, path, access, handler);
    }

    public Routes patch(String path, Access access, Handler handler) {
        return add(HandlerType.PATCH, path, access, handler);
    }

    public Routes delete(String path, Access access, Handler handler) {
        return add(HandlerType.DELETE, path, access, handler);
    }

    public Routes add(HandlerType method, String path, Access access, Handler handler) {
        if (method == HandlerType.GET && !ownHeads.contains(path)) {
            headsOfGets.put(path, () -> config.addHttpHandler(HandlerType.HEAD, path, handler, access, surface));
        } else if (method == HandlerType.HEAD) {
            ownHeads.add(path);
            headsOfGets.remove(path);
        }
        config.addHttpHandler(method, path, handler, access, surface);
        table.add(new RouteTable.Route(method, path, access, surface.name()));
        return this;
    }

    /**
     * Makes every GET route without a HEAD route of its own answer HEAD as it answers GET (the
     * server sends the headers and drops the body), with the same access: without one, Javalin
     * would run the GET handler for a HEAD without the route's access known. Called once, after
     * every route is registered.
     */
    public void headsOfGets() {
        headsOfGets.values().forEach(Runnable::run);
        headsOfGets.clear();
    }
}
