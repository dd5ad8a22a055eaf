package dev.depot.api.applivery;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.api.download.BlobResponder;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.catalog.AppBuild;
import dev.depot.core.DepotException;
import dev.depot.delivery.DeliveryService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applivery's download flow: a download token for a build, the token's redirect, and what the
 * redirect leads to: a signed, expiring file link (served here with ranges) or, for iOS
 * {@code auto}, a generated {@code manifest.plist} for {@code itms-services} installs.
 */
public final class DeliveryRoutes {
    private final DeliveryService delivery;
    private final BlobResponder responder;
    private final Links links;
    private final Clock clock;

    public DeliveryRoutes(DeliveryService delivery, BlobResponder responder, Links links, Clock clock) {
        this.delivery = delivery;
        this.responder = responder;
        this.links = links;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.get("/v1/organizations/{org}/apps/{app}/builds/{build}/downloadToken", Access.READ, this::issue);
        routes.get("/v1/download/{token}", Access.PUBLIC, this::redeem);
        routes.get("/v1/files/{link}/{file_name}", Access.PUBLIC, ctx -> file(ctx, true));
        routes.head("/v1/files/{link}/{file_name}", Access.PUBLIC, ctx -> file(ctx, false));
        routes.get("/v1/manifests/{link}/manifest.plist", Access.PUBLIC, this::manifest);
        routes.get("/v1/download/{token}/manifest.plist", Access.PUBLIC, this::redeemManifest);
    }

    private void issue(Context ctx) {
        long buildId = parseId(ctx.pathParam("build"));
        DeliveryService.Token t = delivery.issueDownloadToken(Authenticator.principal(ctx), ctx.pathParam("org"),
                ctx.pathParam("app"), buildId, ctx.queryParam("type"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token", t.token());
        data.put("expiresAt", t.expiresAt().toString());
        Envelope.ok(ctx, data);
    }

    private void redeem(Context ctx) {
        DeliveryService.Target target = delivery.redeem(ctx.pathParam("token"));
        String location = target.form() == DeliveryService.Form.MANIFEST
                ? manifestUrl(target.signedLink())
                : fileUrl(target.signedLink(), DeliveryService.fileName(target.build(), target.form()));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(location, HttpStatus.FOUND);
    }

    private String fileUrl(String signed, String fileName) {
        return links.base() + "/v1/files/" + signed + "/" + Links.encodePathSegment(fileName);
    }

    private String manifestUrl(String signed) {
        return links.base() + "/v1/manifests/" + signed + "/manifest.plist";
    }

    private void file(Context ctx, boolean body) throws IOException {
        DeliveryService.SignedFile f = delivery.openFileLink(ctx.pathParam("link"), ctx.pathParam("file_name"));
        responder.respond(ctx, new BlobResponder.Blob(f.sha256(), f.size(), f.fileName(), contentType(f.fileName())), body);
    }

    /**
     * An iOS token redeemed straight into its manifest, without the redirect: what the install
     * page's {@code itms-services} link names, so the installer needs to follow nothing.
     */
    private void redeemManifest(Context ctx) {
        DeliveryService.Target t = delivery.redeem(ctx.pathParam("token"));
        if (t.form() != DeliveryService.Form.MANIFEST) {
            throw new DepotException.NotFound("entity_not_found", "This token is not for an iOS install.");
        }
        writeManifest(ctx, t);
    }

    private void manifest(Context ctx) {
        writeManifest(ctx, delivery.openManifestLink(ctx.pathParam("link"), clock.instant()));
    }

    private void writeManifest(Context ctx, DeliveryService.Target t) {
        AppBuild b = t.build();
        Object info = b.facts().get("bundleId");
        String bundleId = info == null ? String.valueOf(t.app().packageName()) : String.valueOf(info);
        String version = String.valueOf(b.facts().getOrDefault("shortVersion", b.versionName() == null ? "" : b.versionName()));
        String title = String.valueOf(b.facts().getOrDefault("displayName", t.app().name()));
        ctx.contentType("application/xml; charset=utf-8");
        ctx.header("Cache-Control", "no-store");
        ctx.result(IosManifest.render(fileUrl(t.signedLink(), b.fileName()), bundleId, version, title));
    }

    private static String contentType(String name) {
        String n = name.toLowerCase();
        if (n.endsWith(".apk")) {
            return "application/vnd.android.package-archive";
        }
        if (n.endsWith(".ipa")) {
            return "application/octet-stream";
        }
        return "application/octet-stream";
    }

    private static long parseId(String text) {
        return Params.id(text).orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
    }
}
