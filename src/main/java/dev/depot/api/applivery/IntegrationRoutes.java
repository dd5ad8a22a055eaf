package dev.depot.api.applivery;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Params;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.api.nativeapi.CatalogRoutes;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.auth.Principal;
import dev.depot.catalog.Catalog;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.intake.BuildIntake;
import dev.depot.upload.Checksum;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applivery's build upload: {@code POST /v1/integrations/builds} with a multipart {@code build}
 * file and {@code versionName}, {@code changelog}, {@code tags}. The file goes through the same
 * upload service as every other protocol (hashed on the way, stored once). A token bound to an
 * app names the app; otherwise the form names it with {@code organization} and {@code app}.
 */
public final class IntegrationRoutes {
    /** The protocol name of these uploads: one request each, never resumed, so never completed after a crash. */
    public static final String PROTOCOL = "integration";
    private final BuildIntake intake;
    private final Catalog catalog;
    private final DownloadCounter counter;

    public IntegrationRoutes(BuildIntake intake, Catalog catalog, DownloadCounter counter) {
        this.intake = intake;
        this.catalog = catalog;
        this.counter = counter;
    }

    public void register(Routes routes) {
        routes.post("/v1/integrations/builds", Access.UPLOAD, this::upload);
        routes.get("/v1/integrations/builds/{id}", Access.READ, ctx -> {
            long id = Params.id(ctx.pathParam("id")).orElseThrow(() ->
                    new DepotException.NotFound("entity_not_found", "Entity not found"));
            Envelope.ok(ctx, CatalogRoutes.describeBuild(catalog.builds().build(Authenticator.principal(ctx), id), counter));
        });
    }

    private void upload(Context ctx) throws IOException {
        Principal me = Authenticator.principal(ctx);
        UploadedFile file;
        try {
            file = ctx.uploadedFile("build");
        } catch (Exception e) { // Jetty's ServletException arrives unchecked through Kotlin
            throw Responses.unreadableBody(ctx, "bad_multipart",
                    "The request is not a readable multipart form, or the file is too large.");
        }
        if (file == null) {
            throw new DepotException.Invalid("missing_parameters", "The multipart field 'build' with the file is required.");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        putIfPresent(meta, "versionName", ctx.formParam("versionName"));
        putIfPresent(meta, "changelog", ctx.formParam("changelog"));
        putIfPresent(meta, "tags", ctx.formParam("tags"));
        String sha256 = ctx.formParam("sha256");
        long build;
        try (InputStream in = file.content()) {
            build = intake.receiveAppBuild(me, PROTOCOL, ctx.formParam("organization"), ctx.formParam("app"), file.filename(),
                    file.size(), in, meta, sha256 == null || sha256.isBlank() ? null : Checksum.hex("sha256", sha256)).buildId();
        }
        Envelope.ok(ctx, Map.of("id", Long.toString(build)));
    }

    private static void putIfPresent(Map<String, String> meta, String key, String value) {
        if (value != null) {
            meta.put(key, value);
        }
    }
}
