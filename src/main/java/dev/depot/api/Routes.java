package dev.depot.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers routes so that none can be added without stating its {@link Access}; keeps the list
 * for the route table in the docs and for tests.
 */
public final class Routes {
    /** One registered route. */
    public record Route(HandlerType method, String path, Access access) {}

    private final RoutesConfig config;
    private final List<Route> registered = new ArrayList<>();

    public Routes(RoutesConfig config) {
        this.config = config;
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
        config.addHttpHandler(method, path, handler, access);
        registered.add(new Route(method, path, access));
        return this;
    }

    public List<Route> registered() {
        return List.copyOf(registered);
    }
}
