package dev.depot.api.download;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.OtaService;
import io.javalin.http.Context;
import java.io.IOException;

/** ROM build downloads: the {@code url} updaters are given. */
public final class DownloadRoutes {
    private final OtaService ota;
    private final BlobResponder responder;
    private final DownloadCounter counter;

    public DownloadRoutes(OtaService ota, BlobResponder responder, DownloadCounter counter) {
        this.ota = ota;
        this.responder = responder;
        this.counter = counter;
    }

    public void register(Routes routes) {
        routes.get("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, true));
        routes.head("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, false));
    }

    private void serve(Context ctx, boolean body) throws IOException {
        OtaBuild build = findBuild(ctx);
        // count before the bytes go out: a phone that reads its first bytes has been counted
        if (body && startsAtFirstByte(ctx)) {
            DownloadType.parse(ctx.queryParam("type")).ifPresent(t -> counter.countDownload(build.id(), t));
        }
        responder.respond(ctx, new BlobResponder.Blob(build.sha256(), build.size(), build.fileName(), "application/zip"), body);
    }

    private static boolean startsAtFirstByte(Context ctx) {
        String range = ctx.header("Range");
        return range == null || range.replace(" ", "").startsWith("bytes=0-") || !range.trim().startsWith("bytes=");
    }

    private OtaBuild findBuild(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new DepotException.NotFound("unknown_build", "Entity not found");
        }
        return ota.build(id)
                .filter(b -> b.enabled() && b.status().equals("processed"))
                .filter(b -> b.fileName().equals(ctx.pathParam("file_name")))
                .orElseThrow(() -> new DepotException.NotFound("unknown_build", "Entity not found"));
    }
}
