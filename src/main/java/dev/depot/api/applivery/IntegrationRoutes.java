package dev.depot.api.applivery;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Routes;
import dev.depot.api.nativeapi.CatalogRoutes;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.CatalogService;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadService;
import dev.depot.upload.UploadSession;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Applivery's build upload: {@code POST /v1/integrations/builds} with a multipart {@code build}
 * file and {@code versionName}, {@code changelog}, {@code tags}. The file goes through the same
 * upload service as every other protocol (hashed on the way, stored once). A token bound to an
 * app names the app; otherwise the form names it with {@code organization} and {@code app}.
 */
public final class IntegrationRoutes {
    private final UploadService uploads;
    private final CatalogService catalog;
    private final DownloadCounter counter;

    public IntegrationRoutes(UploadService uploads, CatalogService catalog, DownloadCounter counter) {
        this.uploads = uploads;
        this.catalog = catalog;
        this.counter = counter;
    }

    public void register(Routes routes) {
        routes.post("/v1/integrations/builds", Access.UPLOAD, this::upload);
        routes.get("/v1/integrations/builds/{id}", Access.READ, ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new DepotException.NotFound("entity_not_found", "Entity not found");
            }
            Envelope.ok(ctx, CatalogRoutes.describeBuild(catalog.build(Authenticator.principal(ctx), id), counter));
        });
    }

    /** The app an upload goes to: the token's app, or the one the request names. */
    public static App targetApp(CatalogService catalog, Principal me, String org, String app) {
        if (me.appId() != null) {
            return catalog.appById(me, me.appId(), Role.MAINTAINER);
        }
        if (org == null || org.isBlank() || app == null || app.isBlank()) {
            throw new DepotException.Invalid("missing_parameters",
                    "Name the app with 'organization' and 'app', or upload with a token bound to the app.");
        }
        return catalog.app(me, org.trim(), app.trim(), Role.MAINTAINER);
    }

    private void upload(Context ctx) throws IOException {
        Principal me = Authenticator.principal(ctx);
        UploadedFile file;
        try {
            file = ctx.uploadedFile("build");
        } catch (Exception e) { // Jetty's ServletException arrives unchecked through Kotlin
            throw new DepotException.Invalid("bad_multipart", "The request is not a readable multipart form, or the file is too large.");
        }
        if (file == null) {
            throw new DepotException.Invalid("missing_parameters", "The multipart field 'build' with the file is required.");
        }
        App app = targetApp(catalog, me, ctx.formParam("organization"), ctx.formParam("app"));
        String fileName = file.filename();
        String versionName = ctx.formParam("versionName");
        String changelog = ctx.formParam("changelog");
        String tags = ctx.formParam("tags");
        String sha256 = ctx.formParam("sha256");
        UploadSession s = uploads.open(me, "integration", fileName, file.size());
        try (InputStream in = file.content()) {
            uploads.append(me, s.id(), 0, file.size(), in, file.size());
        } catch (RuntimeException | IOException e) {
            uploads.discard(s.id());
            throw e;
        }
        AppBuild build = uploads.finalizeUpload(me, s.id(), sha256 == null || sha256.isBlank() ? null : Checksum.hex("sha256", sha256),
                v -> catalog.addBuild(me, app, fileName, v.blob(), v.md5(), changelog, CatalogService.splitTags(tags), versionName));
        Envelope.ok(ctx, Map.of("id", Long.toString(build.id())));
    }
}
