package dev.depot.api.koodous;

import dev.depot.api.ErrorRenderer;
import dev.depot.api.Surface;
import dev.depot.core.DepotException;
import io.javalin.http.Context;

/**
 * The feed answers errors as Koodous does, mostly by status alone: 401 for a missing, bad or
 * unprivileged token, 404 for a package not available (with {@code Retry-After} when it will be),
 * 400 with the reason for a malformed package name.
 */
public final class FeedErrors implements ErrorRenderer {
    public static final Surface SURFACE = new Surface("feed", new FeedErrors());

    private FeedErrors() {}

    @Override
    public void render(Context ctx, DepotException e) {
        int status = switch (e) {
            case DepotException.Unauthenticated u -> 401;
            case DepotException.Forbidden f -> 401; // Koodous: a token without the feed privilege is 401
            case DepotException.Invalid i -> 400;
            case DepotException.NotFound n -> 404;
            case DepotException.NotAvailable n -> 404;
            case DepotException.Gone g -> 410;
            case DepotException.Throttled t -> 429;
            case DepotException.Conflict c -> 409;
            case DepotException.Unavailable u -> 503;
            case DepotException.InsufficientStorage s -> 507;
        };
        ctx.status(status).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n");
    }

    @Override
    public void internal(Context ctx) {
        ctx.status(500).contentType("text/plain; charset=utf-8").result("Internal error\n");
    }
}
