package dev.depot.web;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The maintainer's pages: their devices and apps, a browser upload over tus, and managing builds
 * (enable, disable, delete, changelog) and device notes. Every change goes through the services'
 * own permission checks: a device's maintainers and admins for ROM builds, an organization's
 * maintainers for app builds.
 */
public final class Dashboard {
    /** A file name a ROM build of {@code codename} may take, shown on the upload form. */
    public record NameExample(String codename, String fileName) {}

    /** A device the viewer maintains. */
    public record DeviceRow(String codename, String name, String manufacturer, int published) {}

    /** An app the viewer can see, with their role in its organization. */
    public record AppRow(String organization, String slug, String name, String platform, String role) {}

    /** A build on a management page; {@code actions} is the path its action forms post under. */
    public record ManagedBuild(long id, String title, String fileName, String date, String size, String status,
                               boolean enabled, String changelog, String actions, String publicUrl) {}

    private final Ota ota;
    private final Catalog catalog;
    private final PageRenderer pages;

    public Dashboard(Ota ota, Catalog catalog, PageRenderer pages) {
        this.ota = ota;
        this.catalog = catalog;
        this.pages = pages;
    }

    public void register(Routes all) {
        Routes routes = all.on(pages.surface());
        routes.get("/dashboard", Access.SIGNED_IN, this::home);
        routes.get("/dashboard/upload-name", Access.SIGNED_IN, this::checkName);
        routes.get("/dashboard/devices/{codename}", Access.SIGNED_IN, this::device);
        routes.post("/dashboard/devices/{codename}/note", Access.SIGNED_IN, this::deviceNote);
        routes.post("/dashboard/builds/{id}/{action}", Access.SIGNED_IN, this::otaAction);
        routes.get("/dashboard/apps/{org}/{app}", Access.SIGNED_IN, this::app);
        routes.post("/dashboard/apps/{org}/{app}/builds/{id}/{action}", Access.SIGNED_IN, this::appAction);
    }

    /** Devices one page of the dashboard lists, and builds one page of a device or app. */
    private static final int PAGE = 50;

    private void home(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        int page = WebPages.pageNumber(ctx.queryParam("page"));
        List<Device> managed = ota.devices().devicesManagedBy(me).stream().sorted(Comparator.comparing(Device::codename)).toList();
        List<Device> shown = managed.stream().skip((long) (page - 1) * PAGE).limit(PAGE).toList();
        Map<String, Integer> published = ota.builds().publishedBuildCounts(shown);
        List<DeviceRow> devices = shown.stream()
                .map(d -> new DeviceRow(d.codename(), d.name(), d.manufacturer(), published.getOrDefault(d.codename(), 0)))
                .toList();
        List<AppRow> apps = new ArrayList<>();
        for (Organization org : catalog.organizations().organizations(me)) {
            String role = catalog.organizations().roleOf(me, org).wireName();
            for (App a : catalog.apps().apps(me, org.slug())) {
                apps.add(new AppRow(org.slug(), a.slug(), a.name(), a.platform(), role));
            }
        }
        WebPages.PageLinks links = new WebPages.PageLinks(page > 1 ? "/dashboard?page=" + (page - 1) : null,
                managed.size() > (long) page * PAGE ? "/dashboard?page=" + (page + 1) : null);
        pages.render(ctx, "dashboard.jte", Map.of("devices", devices, "maintainsDevices", !managed.isEmpty(), "apps", apps,
                "pattern", ota.buildNames().fileNamePattern().python(), "examples", examples(managed), "pages", links));
    }

    /** Filled-in file names for the first few of the viewer's devices; none when the pattern has another shape. */
    private List<NameExample> examples(List<Device> managed) {
        List<dev.depot.ota.Variant> variants = ota.devices().variants();
        if (variants.isEmpty()) {
            return List.of();
        }
        String variant = variants.getFirst().codename();
        java.time.LocalDate today = java.time.LocalDate.now(ZoneOffset.UTC);
        List<NameExample> out = new ArrayList<>();
        // x86 builds need an x86 type the default shape has no place for
        for (Device d : managed.stream().filter(d -> !dev.depot.ota.BuildNameRules.X86_CODENAMES.contains(d.codename())).limit(3).toList()) {
            ota.buildNames().fileNamePattern().example("MyROM", "1.0", d.codename(), variant, today)
                    .ifPresent(name -> out.add(new NameExample(d.codename(), name)));
        }
        return out;
    }

    /**
     * Whether a ROM build may be uploaded under a name, asked by the upload form as soon as a
     * file is picked: the intake's own rules (pattern, device, permission, duplicate, variant,
     * version, date), so that a refused name costs no transfer. The answer is JSON,
     * {@code {"ok":true|false,"message":"...","device":"codename"}}.
     */
    private void checkName(Context ctx) {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) {
            throw new DepotException.Invalid("missing_name", "Name the file to check (?name=).");
        }
        try {
            dev.depot.ota.BuildName n = ota.buildNames().check(Authenticator.principal(ctx), name);
            ctx.json(Map.of("ok", true, "device", n.device().codename(), "message", "A " + n.variant().codename() + " build of "
                    + n.version() + " for " + n.device().manufacturer() + " " + n.device().name() + " (" + n.device().codename()
                    + "), made " + n.buildDate() + "."));
        } catch (DepotException e) {
            ctx.json(Map.of("ok", false, "message", e.getMessage()));
        }
    }

    /** A device's builds for its maintainers, newest first, {@value #PAGE} at a time ({@code ?before=ID} pages on). */
    private void device(Context ctx) {
        Device d = ota.devices().managedDevice(Authenticator.principal(ctx), ctx.pathParam("codename"));
        Long before = Params.id(ctx.queryParam("before")).orElse(null);
        List<OtaBuild> page = ota.builds().buildsOfDevice(d.codename(), before, PAGE + 1);
        List<ManagedBuild> builds = page.stream().limit(PAGE).map(this::managed).toList();
        String older = page.size() > PAGE ? "/dashboard/devices/" + d.codename() + "?before=" + builds.getLast().id() : null;
        pages.render(ctx, "manage_device.jte", Map.of("device", d, "builds", builds, "older", Optional.ofNullable(older)));
    }

    private ManagedBuild managed(OtaBuild b) {
        return new ManagedBuild(b.id(), b.version() + " · " + b.variantCodename(), b.fileName(), b.buildDate().toString(),
                WebPages.humanSize(b.size()), b.status(), b.enabled(), b.changelog(), "/dashboard/builds/" + b.id(),
                b.published() ? "/builds/" + b.id() : null);
    }

    private void deviceNote(Context ctx) {
        Device d = ota.devices().setDeviceNote(Authenticator.principal(ctx), ctx.pathParam("codename"), ctx.formParam("note"));
        ctx.redirect("/dashboard/devices/" + d.codename(), HttpStatus.SEE_OTHER);
    }

    private void otaAction(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        long id = parseId(ctx.pathParam("id"), "build");
        OtaBuild b = switch (ctx.pathParam("action")) {
            case "enable" -> ota.builds().setBuildEnabled(me, id, true);
            case "disable" -> ota.builds().setBuildEnabled(me, id, false);
            case "changelog" -> ota.builds().setBuildChangelog(me, id, ctx.formParam("changelog"));
            case "delete" -> ota.builds().deleteBuild(me, id);
            default -> throw new DepotException.NotFound("unknown_action", "There is no such action.");
        };
        answer(ctx, ctx.pathParam("action").equals("delete") ? null : managed(b), "/dashboard/devices/" + b.deviceCodename());
    }

    /** An app's builds for its organization, newest first, {@value #PAGE} at a time ({@code ?before=ID} pages on). */
    private void app(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        App app = catalog.apps().app(me, ctx.pathParam("org"), ctx.pathParam("app"), Role.VIEWER);
        Long before = Params.id(ctx.queryParam("before")).orElse(null);
        List<AppBuild> page = catalog.builds().builds(me, app.organizationSlug(), app.slug(), before, PAGE + 1);
        List<ManagedBuild> builds = page.stream().limit(PAGE).map(b -> managed(app, b)).toList();
        String older = page.size() > PAGE ? "/dashboard/apps/" + app.organizationSlug() + "/" + app.slug() + "?before="
                + builds.getLast().id() : null;
        pages.render(ctx, "manage_app.jte", Map.of("app", app, "builds", builds, "older", Optional.ofNullable(older)));
    }

    private ManagedBuild managed(App app, AppBuild b) {
        String title = (b.versionName() == null ? "(not yet read)" : b.versionName())
                + (b.versionCode() == null ? "" : " (" + b.versionCode() + ")");
        return new ManagedBuild(b.id(), title, b.fileName(),
                Instant.ofEpochMilli(b.createdAt()).atZone(ZoneOffset.UTC).toLocalDate().toString(),
                WebPages.humanSize(b.size()), b.status(), b.enabled(), b.changelog(),
                "/dashboard/apps/" + app.organizationSlug() + "/" + app.slug() + "/builds/" + b.id(), null);
    }

    private void appAction(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        String org = ctx.pathParam("org");
        String appRef = ctx.pathParam("app");
        long id = parseId(ctx.pathParam("id"), "build");
        App app = catalog.apps().app(me, org, appRef, Role.MAINTAINER);
        AppBuild b = switch (ctx.pathParam("action")) {
            case "enable" -> catalog.builds().updateBuild(me, org, appRef, id, true, null, null);
            case "disable" -> catalog.builds().updateBuild(me, org, appRef, id, false, null, null);
            case "changelog" -> catalog.builds().updateBuild(me, org, appRef, id, null, ctx.formParam("changelog"), null);
            case "delete" -> {
                catalog.builds().deleteBuild(me, org, appRef, id);
                yield null;
            }
            default -> throw new DepotException.NotFound("unknown_action", "There is no such action.");
        };
        answer(ctx, b == null ? null : managed(app, b), "/dashboard/apps/" + app.organizationSlug() + "/" + app.slug());
    }

    /** htmx swaps the build's row (gone when deleted); a plain form post goes back to the page. */
    private void answer(Context ctx, ManagedBuild row, String page) {
        if (ctx.header("HX-Request") == null) {
            ctx.redirect(page, HttpStatus.SEE_OTHER);
        } else if (row == null) {
            ctx.html("");
        } else {
            pages.render(ctx, "build_row.jte", Map.of("b", row));
        }
    }

    /** A numeric id from a path or query; anything else names nothing, like an unknown id (404). */
    static long parseId(String text, String what) {
        return Params.id(text).orElseThrow(() -> new DepotException.NotFound("unknown_" + what, "There is no such " + what + "."));
    }
}
