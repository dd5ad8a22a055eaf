package dev.depot.api;

import dev.depot.core.DepotException;
import io.javalin.http.Context;

/** How one surface answers: the domain's errors in its own wire format, and a failure nobody expected. */
public interface ErrorRenderer {
    void render(Context ctx, DepotException e);

    /** An unexpected failure, already logged. */
    void internal(Context ctx);

    /** The status a plain HTTP API answers each kind of error with (surfaces that follow no older contract). */
    static int plainStatus(DepotException e) {
        return switch (e) {
            case DepotException.NotFound n -> 404;
            case DepotException.Gone g -> 410;
            case DepotException.Unauthenticated u -> 401;
            case DepotException.Forbidden f -> 403;
            case DepotException.Throttled t -> 429;
            case DepotException.Unavailable u -> 503;
            case DepotException.InsufficientStorage s -> 507;
            case DepotException.NotAvailable n -> 404;
            case DepotException.Conflict c -> 409;
            case DepotException.Invalid i -> 400;
        };
    }
}
