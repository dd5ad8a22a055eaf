package dev.depot.api.fdroid;

import dev.depot.api.Access;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.api.download.BlobResponder;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.repository.FdroidExport;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryEntry;
import dev.depot.repository.RepositoryService;
import dev.depot.storage.DocumentFiles.Document;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;

/**
 * Serves each repository as an F-Droid repository. The base is {@code /repositories/<repo>/fdroid}
 * (a base ending in {@code fdroid}, as F-Droid's tools expect), with the {@code repo} section F-Droid
 * clients add and an {@code archive} section (empty: every version stays in the repository). The
 * first layout, {@code /fdroid/<repo>/repo/}, keeps working.
 */
public final class FdroidRoutes {
    private final RepositoryService repositories;
    private final FdroidExport export;
    private final BlobResponder responder;
    private final DownloadCounter counter;

    public FdroidRoutes(RepositoryService repositories, FdroidExport export, BlobResponder responder, DownloadCounter counter) {
        this.repositories = repositories;
        this.export = export;
        this.responder = responder;
        this.counter = counter;
    }

    public void register(Routes routes) {
        for (String base : List.of("/repositories/{repo}/fdroid", "/fdroid/{repo}")) {
            routes.get(base + "/{section}/{file}", Access.PUBLIC, ctx -> file(ctx, true));
            routes.head(base + "/{section}/{file}", Access.PUBLIC, ctx -> file(ctx, false));
            routes.get(base + "/{section}/{dir}/{file}", Access.PUBLIC, this::inFolder);
        }
    }

    private static boolean archive(Context ctx) {
        return switch (ctx.pathParam("section")) {
            case "repo" -> false;
            case "archive" -> true;
            default -> throw new DepotException.NotFound("entity_not_found", "Entity not found");
        };
    }

    private FdroidExport.Built built(Repository repo) {
        return export.build(repo);
    }

    private void file(Context ctx, boolean body) throws IOException {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        String name = ctx.pathParam("file");
        Document content;
        String type;
        if (archive(ctx)) {
            content = switch (name) {
                case "index-v1.json" -> built(repo).archiveIndexV1();
                case "index-v1.jar" -> built(repo).archiveIndexV1Jar();
                default -> throw new DepotException.NotFound("entity_not_found", "Entity not found");
            };
            send(ctx, repo, "archive/" + name, content, name.endsWith(".jar") ? "application/java-archive" : "application/json",
                    body);
            return;
        }
        switch (name) {
            case "index-v1.json" -> {
                content = built(repo).indexV1();
                type = "application/json";
            }
            case "index-v1.jar" -> {
                content = built(repo).indexV1Jar();
                type = "application/java-archive";
            }
            case "entry.json" -> {
                content = built(repo).entry();
                type = "application/json";
            }
            case "entry.jar" -> {
                content = built(repo).entryJar();
                type = "application/java-archive";
            }
            case "index-v2.json" -> {
                content = built(repo).indexV2();
                type = "application/json";
            }
            default -> {
                RepositoryEntry e = export.apk(repo, name).orElseThrow(() ->
                        new DepotException.NotFound("entity_not_found", "Entity not found"));
                responder.respond(ctx, new BlobResponder.Blob(e.sha256(), e.size(), name,
                        "application/vnd.android.package-archive"), body, () -> counter.countDownload(e.buildId(), DownloadType.DOWNLOAD));
                return;
            }
        }
        send(ctx, repo, name, content, type, body);
    }

    private static void send(Context ctx, Repository repo, String name, Document content, String type, boolean body) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", "\"" + repo.stateHash() + "-" + name.replace('/', '-') + "\"");
        Responses.document(ctx, content, type, body);
    }

    private void inFolder(Context ctx) {
        boolean archive = archive(ctx); // the archive lists the apps, with their icons, and no versions
        String dir = ctx.pathParam("dir");
        if (dir.equals("diff") && !archive) {
            diff(ctx);
        } else if (dir.equals("icons") || dir.matches("icons-\\d{2,3}")) {
            Repository repo = repositories.require(ctx.pathParam("repo"));
            byte[] png = export.icon(repo, ctx.pathParam("file")).orElseThrow(() ->
                    new DepotException.NotFound("entity_not_found", "Entity not found"));
            ctx.contentType("image/png").header("Cache-Control", "public, max-age=86400").result(png);
        } else {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
    }

    private void diff(Context ctx) {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        String name = ctx.pathParam("file");
        if (!name.matches("\\d{1,19}\\.json")) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        long ts = Long.parseLong(name.substring(0, name.length() - 5));
        Document diff = built(repo).diffs().get(ts);
        if (diff == null) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        Responses.document(ctx, diff, "application/json", true);
    }
}
