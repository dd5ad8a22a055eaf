package dev.depot.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * Registers routes so that none can be added without stating its {@link Access}, each on the
 * {@link Surface} that renders its errors; every route lands in the {@link RouteTable}.
 */
public final class Routes {
    private final RoutesConfig config;
    private final RouteTable table;
    private final Surface surface;

    /** Routes registered here answer on the table's fallback surface until {@link #on} says otherwise. */
    public Routes(RoutesConfig config, RouteTable table) {
        this(config, table, table.fallback());
    }

    private Routes(RoutesConfig config, RouteTable table, Surface surface) {
        this.config = config;
        this.table = table;
        this.surface = surface;
    }

    /**
     * Registers on {@code surface}; a request under one of {@code pathPrefixes} that matches no
     * route answers on it too (shipper's clients get shipper's 404).
     */
    public Routes on(Surface surface, String... pathPrefixes) {
        for (String prefix : pathPrefixes) {
            table.claim(prefix, surface);
        }
        return new Routes(config, table, surface);
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
        config.addHttpHandler(method, path, handler, access, surface);
        table.add(new RouteTable.Route(method, path, access, surface.name()));
        return this;
    }
}
