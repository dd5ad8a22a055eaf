package dev.depot.api.download;

import dev.depot.api.Access;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.core.ChangeBoundCache;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * ROM build downloads: the {@code url} updaters are given. The build a link names is looked up
 * once per {@code ttl} (and again as soon as this node changes any build): updaters fetch builds
 * range by range, and the lookup was most of each range request's own work.
 */
public final class DownloadRoutes {
    private static final int MAX_CACHED = 10_000;

    private final Ota ota;
    private final BlobResponder responder;
    private final DownloadCounter counter;
    private final ChangeBoundCache<Long, Optional<OtaBuild>> builds;

    public DownloadRoutes(Ota ota, BlobResponder responder, DownloadCounter counter, Duration ttl) {
        this.ota = ota;
        this.responder = responder;
        this.counter = counter;
        this.builds = new ChangeBoundCache<>(ota.builds()::changes, ttl, MAX_CACHED);
    }

    public void register(Routes routes) {
        routes.get("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, true));
        routes.head("/download/builds/{id}/{file_name}", Access.PUBLIC, ctx -> serve(ctx, false));
    }

    private void serve(Context ctx, boolean body) throws IOException {
        OtaBuild build = findBuild(ctx);
        Optional<DownloadType> type = DownloadType.parse(ctx.queryParam("type")); // counted only when the link says how
        responder.respond(ctx, new BlobResponder.Blob(build.sha256(), build.size(), build.fileName(), "application/zip"), body,
                () -> type.ifPresent(t -> counter.countDownload(build.id(), t)));
    }

    private OtaBuild findBuild(Context ctx) {
        long id = Params.id(ctx.pathParam("id")).orElseThrow(() -> new DepotException.NotFound("unknown_build", "Entity not found"));
        return builds.get(id, () -> ota.builds().publishedBuild(id))
                .filter(b -> b.fileName().equals(ctx.pathParam("file_name")))
                .orElseThrow(() -> new DepotException.NotFound("unknown_build", "Entity not found"));
    }
}
