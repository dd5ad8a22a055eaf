package dev.depot.api;

import io.javalin.http.Context;
import java.io.IOException;

/** Writing answers whose bytes are ready. */
public final class Responses {
    private Responses() {}

    /**
     * Writes {@code body} straight to the response with its length. Handing bytes to Javalin as a
     * result copies them through a fresh 32 KiB buffer and weighs compression on every request;
     * for answers made once and served many times (cached update checks, sealed feed packages)
     * that was a fifth of the update check's time. The content type is the caller's to set.
     */
    public static void write(Context ctx, byte[] body) {
        ctx.res().setContentLength(body.length);
        try {
            ctx.res().getOutputStream().write(body);
        } catch (IOException gone) {
            // the client hung up; there is nobody to tell
        }
    }
}
