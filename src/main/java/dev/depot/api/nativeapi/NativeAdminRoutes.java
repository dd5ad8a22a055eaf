package dev.depot.api.nativeapi;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.Paging;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.ApiToken;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The native JSON API for administration and the OTA catalogue: users, tokens, devices,
 * variants, maintainers and server-wide rules. The CLI's admin commands do the same through the
 * same services.
 */
public final class NativeAdminRoutes {
    private final AuthService auth;
    private final Ota ota;
    private final DownloadCounter counter;
    private final Links links;

    private LongSupplier feedDownloads = () -> 0;

    /** Where the count of feed downloads (all time) comes from. */
    public NativeAdminRoutes withFeedDownloads(LongSupplier supplier) {
        this.feedDownloads = supplier;
        return this;
    }

    public NativeAdminRoutes(AuthService auth, Ota ota, DownloadCounter counter, Links links) {
        this.auth = auth;
        this.ota = ota;
        this.counter = counter;
        this.links = links;
    }

    public void register(Routes r) {
        r.get("/v1/me", Access.READ, this::me);
        r.get("/v1/users", Access.ADMIN, ctx -> Envelope.ok(ctx, auth.listUsers().stream().map(NativeAdminRoutes::user).toList()));
        r.post("/v1/users", Access.ADMIN, this::createUser);
        r.get("/v1/users/{username}/tokens", Access.ADMIN, ctx -> Envelope.ok(ctx,
                auth.listTokens(ctx.pathParam("username")).stream().map(NativeAdminRoutes::token).toList()));
        r.post("/v1/users/{username}/tokens", Access.ADMIN, this::createToken);
        r.delete("/v1/tokens/{id}", Access.ADMIN, this::revokeToken);
        r.get("/v1/devices", Access.READ, ctx -> Envelope.ok(ctx, ota.devices().devices().stream().map(NativeAdminRoutes::device).toList()));
        r.post("/v1/devices", Access.ADMIN, this::createDevice);
        r.get("/v1/devices/{codename}", Access.READ, ctx -> Envelope.ok(ctx, device(ota.devices().requireDevice(ctx.pathParam("codename")))));
        r.patch("/v1/devices/{codename}", Access.ADMIN, this::updateDevice);
        r.get("/v1/devices/{codename}/builds", Access.READ, ctx -> {
            Paging page = Paging.of(ctx);
            List<OtaBuild> builds = ota.builds().buildsOfDevice(ctx.pathParam("codename"), page.before(), page.limit());
            Envelope.ok(ctx, page.linked(ctx, builds, OtaBuild::id).stream().map(this::build).toList());
        });
        r.post("/v1/devices/{codename}/maintainers", Access.ADMIN, ctx -> {
            ota.devices().addMaintainer(ctx.pathParam("codename"), Params.of(ctx).require("username"));
            Envelope.ok(ctx, Map.of("codename", ctx.pathParam("codename")));
        });
        r.delete("/v1/devices/{codename}/maintainers/{username}", Access.ADMIN, ctx -> {
            ota.devices().removeMaintainer(ctx.pathParam("codename"), ctx.pathParam("username"));
            Envelope.ok(ctx, Map.of("codename", ctx.pathParam("codename")));
        });
        r.get("/v1/variants", Access.READ, ctx -> Envelope.ok(ctx, ota.devices().variants()));
        r.post("/v1/variants", Access.ADMIN, ctx -> {
            Params p = Params.of(ctx);
            ctx.status(201);
            Envelope.ok(ctx, ota.devices().addVariant(p.require("codename"), p.get("description").orElse(""),
                    p.get("releaseType").orElse(null)));
        });
        r.get("/v1/x86-types", Access.READ, ctx -> Envelope.ok(ctx, ota.devices().x86Types()));
        r.post("/v1/x86-types", Access.ADMIN, ctx -> {
            Params p = Params.of(ctx);
            ota.devices().addX86Type(p.require("codename"), p.get("description").orElse(""));
            ctx.status(201);
            Envelope.ok(ctx, ota.devices().x86Types());
        });
        r.get("/v1/settings/ota", Access.READ, this::otaSettings);
        r.patch("/v1/settings/ota", Access.ADMIN, ctx -> {
            Params p = Params.of(ctx);
            p.get("fileNamePattern").ifPresent(ota.buildNames()::setFileNamePattern);
            p.get("allowedVersions").ifPresent(ota.buildNames()::setAllowedVersions);
            otaSettings(ctx);
        });
        r.get("/v1/builds/{id}", Access.READ, ctx -> Envelope.ok(ctx, build(ota.builds().build(parseId(ctx.pathParam("id")))
                .orElseThrow(() -> new DepotException.NotFound("unknown_build", "Entity not found")))));
        r.patch("/v1/builds/{id}", Access.PUBLISH, ctx -> {
            boolean enabled = Params.of(ctx).bool("enabled").orElseThrow(() ->
                    new DepotException.Invalid("missing_parameters", "The field 'enabled' is required."));
            Envelope.ok(ctx, build(ota.builds().setBuildEnabled(Authenticator.principal(ctx), parseId(ctx.pathParam("id")), enabled)));
        });
        r.get("/v1/stats/downloads", Access.READ, ctx -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("day", counter.countSince(Duration.ofDays(1)));
            out.put("week", counter.countSince(Duration.ofDays(7)));
            out.put("month", counter.countSince(Duration.ofDays(31)));
            out.put("all", counter.countSince(null));
            out.put("feed", feedDownloads.getAsLong());
            Envelope.ok(ctx, out);
        });
    }

    private void me(Context ctx) {
        Principal p = Authenticator.principal(ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("username", p.username());
        out.put("admin", p.admin());
        out.put("scopes", p.scopes().stream().map(Scope::wireName).sorted().toList());
        Envelope.ok(ctx, out);
    }

    private void createUser(Context ctx) {
        Params p = Params.of(ctx);
        User u = auth.createUser(p.require("username"), p.require("password"), p.bool("admin").orElse(false));
        ctx.status(201);
        Envelope.ok(ctx, user(u));
    }

    private void createToken(Context ctx) {
        Params p = Params.of(ctx);
        User u = auth.requireUser(ctx.pathParam("username"));
        Duration expires = p.duration("expires").orElse(null);
        IssuedToken t = auth.createToken(u, p.get("name").orElse("api"), Scope.parseList(p.require("scopes")), expires);
        Map<String, Object> out = new LinkedHashMap<>(token(t.token()));
        out.put("token", t.secret());
        ctx.status(201);
        Envelope.ok(ctx, out);
    }

    private void revokeToken(Context ctx) {
        if (!auth.revokeToken(parseId(ctx.pathParam("id")))) {
            throw new DepotException.NotFound("unknown_token", "Entity not found");
        }
        Envelope.ok(ctx, Map.of("revoked", true));
    }

    private void createDevice(Context ctx) {
        Params p = Params.of(ctx);
        Device d = ota.devices().addDevice(p.require("codename"), p.require("name"), p.require("manufacturer"));
        ctx.status(201);
        Envelope.ok(ctx, device(d));
    }

    private void updateDevice(Context ctx) {
        Params p = Params.of(ctx);
        Device d = ota.devices().updateDevice(ctx.pathParam("codename"), p.get("name").orElse(null),
                p.get("manufacturer").orElse(null), p.bool("maintained").orElse(null), p.bool("visible").orElse(null),
                p.get("note").orElse(null), p.get("releaseType").orElse(null));
        Envelope.ok(ctx, device(d));
    }

    private void otaSettings(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fileNamePattern", ota.buildNames().fileNamePattern().python());
        out.put("allowedVersions", ota.buildNames().allowedVersions());
        Envelope.ok(ctx, out);
    }

    private static long parseId(String text) {
        return Params.id(text).orElseThrow(() -> new DepotException.NotFound("unknown_entity", "Entity not found"));
    }

    private static Map<String, Object> user(User u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", u.id());
        out.put("username", u.username());
        out.put("admin", u.admin());
        out.put("active", u.active());
        out.put("createdAt", Instant.ofEpochMilli(u.createdAt()).toString());
        return out;
    }

    private static Map<String, Object> token(ApiToken t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id());
        out.put("name", t.name());
        out.put("scopes", t.scopes().stream().map(Scope::wireName).sorted().toList());
        out.put("createdAt", Instant.ofEpochMilli(t.createdAt()).toString());
        out.put("expiresAt", t.expiresAt() == null ? null : Instant.ofEpochMilli(t.expiresAt()).toString());
        out.put("lastUsedAt", t.lastUsedAt() == null ? null : Instant.ofEpochMilli(t.lastUsedAt()).toString());
        out.put("revoked", t.revokedAt() != null);
        return out;
    }

    private static Map<String, Object> device(Device d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("codename", d.codename());
        out.put("name", d.name());
        out.put("manufacturer", d.manufacturer());
        out.put("maintained", d.maintained());
        out.put("visible", d.visible());
        out.put("note", d.note());
        out.put("releaseType", d.releaseType());
        return out;
    }

    private Map<String, Object> build(OtaBuild b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", b.id());
        out.put("fileName", b.fileName());
        out.put("size", b.size());
        out.put("sha256", b.sha256());
        out.put("md5", b.md5());
        out.put("status", b.status());
        out.put("enabled", b.enabled());
        out.put("device", b.deviceCodename());
        out.put("variant", b.variantCodename());
        out.put("version", b.version());
        out.put("buildDate", b.buildDate().toString());
        out.put("x86Type", b.x86Type());
        out.put("releaseType", b.releaseType());
        out.put("metadata", b.metadata());
        out.put("facts", b.facts());
        out.put("downloads", counter.countOfBuild(b.id(), DownloadType.DOWNLOAD));
        out.put("updates", counter.countOfBuild(b.id(), DownloadType.UPDATE));
        out.put("url", links.buildDownload(b.id(), b.fileName(), DownloadType.DOWNLOAD));
        out.put("createdAt", Instant.ofEpochMilli(b.createdAt()).toString());
        return out;
    }
}
