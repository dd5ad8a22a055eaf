package dev.depot.api;

import dev.depot.core.DepotException;
import io.javalin.http.Context;

/** How one surface answers: the domain's errors in its own wire format, and a failure nobody expected. */
public interface ErrorRenderer {
    void render(Context ctx, DepotException e);

    /** An unexpected failure, already logged. */
    void internal(Context ctx);
}
