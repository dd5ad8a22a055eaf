package dev.depot.api.nativeapi;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Paging;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.AppBuildService;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Organizations, members, apps and app builds in the native API. */
public final class CatalogRoutes {
    private static final String ORG = "/v1/organizations/{org}";
    private static final String APP = ORG + "/apps/{app}";
    private static final String BUILD = APP + "/builds/{build}";

    private final Catalog catalog;
    private final AuthService auth;
    private final DownloadCounter counter;

    public CatalogRoutes(Catalog catalog, AuthService auth, DownloadCounter counter) {
        this.catalog = catalog;
        this.auth = auth;
        this.counter = counter;
    }

    public void register(Routes r) {
        r.get("/v1/organizations", Access.READ, ctx -> Envelope.ok(ctx,
                catalog.organizations().organizations(me(ctx)).stream().map(CatalogRoutes::org).toList()));
        r.post("/v1/organizations", Access.ADMIN, ctx -> {
            Params p = Params.of(ctx);
            Organization o = catalog.organizations().createOrganization(me(ctx), p.require("slug"), p.require("name"),
                    p.get("owner").orElse(null));
            ctx.status(201);
            Envelope.ok(ctx, org(o));
        });
        r.get(ORG, Access.READ, ctx -> {
            Organization o = catalog.organizations().organization(me(ctx), ctx.pathParam("org"), Role.VIEWER);
            Map<String, Object> out = org(o);
            out.put("role", catalog.organizations().roleOf(me(ctx), o).wireName());
            Envelope.ok(ctx, out);
        });
        r.get(ORG + "/members", Access.READ, ctx -> Envelope.ok(ctx, catalog.organizations().members(me(ctx), ctx.pathParam("org")).stream()
                .map(e -> Map.of("username", e.getKey(), "role", e.getValue().wireName())).toList()));
        r.put(ORG + "/members/{username}", Access.PUBLISH, ctx -> {
            catalog.organizations().putMember(me(ctx), ctx.pathParam("org"), ctx.pathParam("username"), Role.parse(Params.of(ctx).require("role")));
            Envelope.ok(ctx, Map.of("username", ctx.pathParam("username")));
        });
        r.delete(ORG + "/members/{username}", Access.PUBLISH, ctx -> {
            catalog.organizations().removeMember(me(ctx), ctx.pathParam("org"), ctx.pathParam("username"));
            Envelope.ok(ctx, Map.of("username", ctx.pathParam("username")));
        });
        r.get(ORG + "/apps", Access.READ, ctx -> Envelope.ok(ctx,
                catalog.apps().apps(me(ctx), ctx.pathParam("org")).stream().map(CatalogRoutes::app).toList()));
        r.post(ORG + "/apps", Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            App a = catalog.apps().createApp(me(ctx), ctx.pathParam("org"), p.require("slug"), p.require("name"),
                    p.get("platform").orElse("android"), p.get("packageName").orElse(null));
            ctx.status(201);
            Envelope.ok(ctx, app(a));
        });
        r.get(APP, Access.READ, ctx -> Envelope.ok(ctx, app(catalog.apps().app(me(ctx), ctx.pathParam("org"), ctx.pathParam("app"), Role.VIEWER))));
        r.delete(APP, Access.PUBLISH, ctx -> {
            catalog.apps().deleteApp(me(ctx), ctx.pathParam("org"), ctx.pathParam("app"));
            Envelope.ok(ctx, Map.of("deleted", true));
        });
        r.post(APP + "/tokens", Access.PUBLISH, this::appToken);
        r.get(APP + "/builds", Access.READ, ctx -> {
            Paging page = Paging.of(ctx);
            List<AppBuild> builds = catalog.builds().builds(me(ctx), ctx.pathParam("org"), ctx.pathParam("app"), page.before(),
                    page.limit());
            Envelope.ok(ctx, page.linked(ctx, builds, AppBuild::id).stream().map(this::build).toList());
        });
        r.get(BUILD, Access.READ, ctx -> Envelope.ok(ctx, build(catalog.builds().build(me(ctx), ctx.pathParam("org"),
                ctx.pathParam("app"), buildId(ctx), Role.VIEWER))));
        r.patch(BUILD, Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            AppBuild b = catalog.builds().updateBuild(me(ctx), ctx.pathParam("org"), ctx.pathParam("app"), buildId(ctx),
                    p.bool("enabled").orElse(null), p.get("changelog").orElse(null),
                    p.get("tags").map(AppBuildService::splitTags).orElse(null));
            Envelope.ok(ctx, build(b));
        });
        r.delete(BUILD, Access.PUBLISH, ctx -> {
            catalog.builds().deleteBuild(me(ctx), ctx.pathParam("org"), ctx.pathParam("app"), buildId(ctx));
            Envelope.ok(ctx, Map.of("deleted", true));
        });
    }

    /** A token bound to this app for the caller: what CI systems put in their secrets for uploads. */
    private void appToken(Context ctx) {
        Principal me = me(ctx);
        catalog.organizations().requireUnbound(me); // tokens are made by people, not by the tokens they made
        App a = catalog.apps().app(me, ctx.pathParam("org"), ctx.pathParam("app"), Role.MAINTAINER);
        Params p = Params.of(ctx);
        Duration expires = p.duration("expires").orElse(null);
        var scopes = Scope.parseList(p.get("scopes").orElse("read,upload"));
        if (scopes.contains(Scope.ADMIN)) {
            throw new DepotException.Invalid("invalid_scope", "An app token cannot carry the admin scope.");
        }
        IssuedToken t = auth.createToken(auth.findUser(me.userId()).orElseThrow(), p.get("name").orElse("app " + a.slug()),
                scopes, expires, a.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.token().id());
        out.put("token", t.secret());
        out.put("scopes", t.token().scopes().stream().map(Scope::wireName).sorted().toList());
        out.put("expiresAt", t.token().expiresAt() == null ? null : Instant.ofEpochMilli(t.token().expiresAt()).toString());
        ctx.status(201);
        Envelope.ok(ctx, out);
    }

    private static Principal me(Context ctx) {
        return Authenticator.principal(ctx);
    }

    private static long buildId(Context ctx) {
        return Params.id(ctx.pathParam("build")).orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
    }

    static Map<String, Object> org(Organization o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", o.slug());
        out.put("slug", o.slug());
        out.put("name", o.name());
        out.put("createdAt", Instant.ofEpochMilli(o.createdAt()).toString());
        return out;
    }

    static Map<String, Object> app(App a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", a.slug());
        out.put("organization", a.organizationSlug());
        out.put("slug", a.slug());
        out.put("name", a.name());
        out.put("platform", a.platform());
        out.put("packageName", a.packageName());
        out.put("createdAt", Instant.ofEpochMilli(a.createdAt()).toString());
        return out;
    }

    Map<String, Object> build(AppBuild b) {
        return describeBuild(b, counter);
    }

    /** The native shape of an app build; also used by the upload status endpoint. */
    public static Map<String, Object> describeBuild(AppBuild b, DownloadCounter counter) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", Long.toString(b.id()));
        out.put("kind", b.kind().wireName());
        out.put("fileName", b.fileName());
        out.put("size", b.size());
        out.put("sha256", b.sha256());
        out.put("md5", b.md5());
        out.put("status", b.status());
        out.put("enabled", b.enabled());
        out.put("versionName", b.versionName());
        out.put("versionCode", b.versionCode());
        out.put("changelog", b.changelog());
        out.put("tags", b.tags());
        out.put("facts", b.facts());
        out.put("error", b.error());
        out.put("downloads", counter.countOfBuild(b.id(), DownloadType.DOWNLOAD));
        out.put("createdAt", Instant.ofEpochMilli(b.createdAt()).toString());
        out.put("processedAt", b.processedAt() == null ? null : Instant.ofEpochMilli(b.processedAt()).toString());
        return out;
    }

}
