package dev.depot.api.tus;

import dev.depot.api.ErrorRenderer;
import dev.depot.api.Surface;
import dev.depot.core.DepotException;
import io.javalin.http.Context;

/** tus answers errors with a status code (and a short text body), and always with {@code Tus-Resumable}. */
public final class TusErrors implements ErrorRenderer {
    public static final Surface SURFACE = new Surface("tus", new TusErrors());

    private TusErrors() {}

    @Override
    public void render(Context ctx, DepotException e) {
        int status = e instanceof DepotException.Invalid i ? switch (i.reason()) {
            case "tus_version" -> 412;
            case "unsupported_media_type" -> 415;
            case "too_large" -> 413;
            case "chunk_checksum_mismatch", "checksum_mismatch" -> 460;
            case "offset_mismatch" -> 409;
            default -> 400;
        } : ErrorRenderer.plainStatus(e);
        ctx.header("Tus-Resumable", TusRoutes.VERSION);
        if (status == 412) {
            ctx.header("Tus-Version", TusRoutes.VERSION);
        }
        ctx.status(status).contentType("text/plain; charset=utf-8").result(e.getMessage() + "\n");
    }

    @Override
    public void internal(Context ctx) {
        ctx.header("Tus-Resumable", TusRoutes.VERSION);
        ctx.status(500).contentType("text/plain; charset=utf-8").result("Internal error\n");
    }
}
