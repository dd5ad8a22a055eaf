package dev.depot.api.tuf;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.api.download.BlobResponder;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.tuf.Tuf;
import dev.depot.tuf.TufService;
import dev.depot.tuf.TufTargets;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TUF repository: metadata under {@code /tuf/metadata/} (consistent snapshots: clients fetch
 * {@code N.root.json}, {@code timestamp.json}, then {@code N.snapshot.json}, {@code N.targets.json},
 * {@code N.<role>.json}) and targets under {@code /tuf/targets/}, each prefixed with its SHA-256
 * ({@code roms/<codename>/<sha256>.<file>}, {@code apps/<org>/<repository>/<sha256>.<file>}).
 * Versioned files never change; {@code timestamp.json} and {@code root.json} are the current ones.
 */
public final class TufRoutes {
    private static final Pattern HASHED = Pattern.compile("([0-9a-f]{64})\\.(.+)");
    private static final Duration AWAIT_REFRESH = Duration.ofSeconds(5);

    private final Tuf tuf;
    private final TufTargets targets;
    private final BlobResponder responder;
    private final DownloadCounter counter;

    public TufRoutes(Tuf tuf, TufTargets targets, BlobResponder responder, DownloadCounter counter) {
        this.tuf = tuf;
        this.targets = targets;
        this.responder = responder;
        this.counter = counter;
    }

    public void register(Routes routes) {
        Routes r = routes.on(Envelope.SURFACE, "/tuf/");
        r.get("/tuf/metadata/{file}", Access.PUBLIC, ctx -> metadata(ctx, true));
        r.head("/tuf/metadata/{file}", Access.PUBLIC, ctx -> metadata(ctx, false));
        r.get("/tuf/targets/roms/{codename}/{file}", Access.PUBLIC, ctx -> rom(ctx, true));
        r.head("/tuf/targets/roms/{codename}/{file}", Access.PUBLIC, ctx -> rom(ctx, false));
        r.get("/tuf/targets/apps/{org}/{repo}/{file}", Access.PUBLIC, ctx -> app(ctx, true));
        r.head("/tuf/targets/apps/{org}/{repo}/{file}", Access.PUBLIC, ctx -> app(ctx, false));
    }

    private void metadata(Context ctx, boolean body) {
        String file = ctx.pathParam("file");
        boolean current = file.equals("timestamp.json") || !Character.isDigit(file.charAt(0));
        if (current) {
            tuf.refresher().awaitCurrent(AWAIT_REFRESH); // this node's last change is signed before it is asked about
        }
        TufService service = tuf.service();
        if (!service.initialized()) {
            throw new DepotException.NotFound("tuf_not_initialized", "This Depot has no TUF repository yet (depot tuf init).");
        }
        byte[] bytes = service.metadata(file).orElseThrow(() -> new DepotException.NotFound("tuf_metadata_not_found",
                "No TUF metadata " + file + ".")).getBytes(StandardCharsets.UTF_8);
        ctx.header("Cache-Control", current ? "no-cache" : "public, max-age=31536000, immutable");
        ctx.contentType("application/json");
        if (body) {
            ctx.result(bytes);
        } else {
            ctx.header("Content-Length", Integer.toString(bytes.length));
        }
    }

    private void rom(Context ctx, boolean body) throws IOException {
        Matcher m = hashed(ctx);
        serve(ctx, targets.rom(ctx.pathParam("codename"), m.group(2), m.group(1)), body);
    }

    private void app(Context ctx, boolean body) throws IOException {
        Matcher m = hashed(ctx);
        serve(ctx, targets.app(ctx.pathParam("org"), ctx.pathParam("repo"), m.group(2), m.group(1)), body);
    }

    private static Matcher hashed(Context ctx) {
        Matcher m = HASHED.matcher(ctx.pathParam("file"));
        if (!m.matches()) {
            throw notFound();
        }
        return m;
    }

    private void serve(Context ctx, Optional<TufTargets.Served> served, boolean body) throws IOException {
        TufTargets.Served s = served.orElseThrow(TufRoutes::notFound);
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        responder.respond(ctx, new BlobResponder.Blob(s.sha256(), s.size(), s.fileName(), s.contentType()), body,
                () -> counter.countDownload(s.buildId(), DownloadType.DOWNLOAD));
    }

    private static DepotException notFound() {
        return new DepotException.NotFound("tuf_target_not_found", "No such TUF target.");
    }
}
