package dev.depot.web;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.core.PageSize;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import dev.depot.release.Channel;
import dev.depot.release.FailureCount;
import dev.depot.release.Funnel;
import dev.depot.release.HaltRule;
import dev.depot.release.Release;
import dev.depot.release.ReleaseEvent;
import dev.depot.release.ReleaseService;
import dev.depot.release.ReleaseState;
import dev.depot.release.ReleaseTarget;
import dev.depot.release.Rollout;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The release pages of the dashboard, for a device's ROM builds and an app's builds: the channels
 * and releases with a form to release a build, and a release's own page (its percentage, funnel,
 * failures by reason over time, the halt and its reason, and the buttons that change it).
 */
public final class ReleasePages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** Where the pages of one target live, and what it is called. */
    public record Target(ReleaseTarget target, String title, String base, String backLink, boolean manages,
                         List<BuildChoice> builds) {}

    /** A build that can be released. */
    public record BuildChoice(long id, String label) {}

    /** A release as a row or a page shows it. */
    public record Row(long id, String channel, String build, String state, String percentage, long installed, long failed,
                      String created) {}

    /** One step of the funnel: its count and its width as a bar (against the widest step). */
    public record Step(String name, long count, int percentOfOffered) {}

    /** The failures of one hour, by reason, as one column of the chart. */
    public record FailureColumn(String hour, Map<String, Long> byReason, long total) {}

    /** An event as the page lists it. */
    public record EventLine(String at, String kind, String detail, String by) {}

    private final ReleaseService releases;
    private final Ota ota;
    private final Catalog catalog;
    private final PageRenderer pages;

    public ReleasePages(ReleaseService releases, Ota ota, Catalog catalog, PageRenderer pages) {
        this.releases = releases;
        this.ota = ota;
        this.catalog = catalog;
        this.pages = pages;
    }

    public void register(Routes all) {
        Routes routes = all.on(pages.surface());
        routes.get("/dashboard/devices/{codename}/releases", Access.SIGNED_IN, ctx -> list(ctx, device(ctx)));
        routes.post("/dashboard/devices/{codename}/releases", Access.SIGNED_IN, ctx -> create(ctx, device(ctx)));
        routes.get("/dashboard/devices/{codename}/releases/{id}", Access.SIGNED_IN, ctx -> page(ctx, device(ctx)));
        routes.post("/dashboard/devices/{codename}/releases/{id}/{action}", Access.SIGNED_IN, ctx -> act(ctx, device(ctx)));
        routes.get("/dashboard/apps/{org}/{app}/releases", Access.SIGNED_IN, ctx -> list(ctx, app(ctx)));
        routes.post("/dashboard/apps/{org}/{app}/releases", Access.SIGNED_IN, ctx -> create(ctx, app(ctx)));
        routes.get("/dashboard/apps/{org}/{app}/releases/{id}", Access.SIGNED_IN, ctx -> page(ctx, app(ctx)));
        routes.post("/dashboard/apps/{org}/{app}/releases/{id}/{action}", Access.SIGNED_IN, ctx -> act(ctx, app(ctx)));
    }

    private Target device(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        String codename = ctx.pathParam("codename");
        ReleaseTarget t = releases.managedDevice(me, codename);
        List<BuildChoice> builds = ota.builds().buildsOfDevice(codename, null, PageSize.MAX).stream().filter(OtaBuild::published)
                .map(b -> new BuildChoice(b.id(), b.version() + " · " + b.variantCodename() + " · " + b.buildDate()))
                .toList();
        return new Target(t, ota.devices().requireDevice(codename).displayName(), "/dashboard/devices/" + codename + "/releases",
                "/dashboard/devices/" + codename, true, builds);
    }

    private Target app(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        App a = catalog.apps().app(me, ctx.pathParam("org"), ctx.pathParam("app"), Role.VIEWER);
        ReleaseTarget t = releases.viewedApp(me, a.organizationSlug(), a.slug());
        boolean manages = catalog.organizations().roleOf(me, catalog.organizations().organization(me, a.organizationSlug(),
                Role.VIEWER)).atLeast(Role.MAINTAINER);
        List<BuildChoice> builds = catalog.builds().builds(me, a.organizationSlug(), a.slug(), null, PageSize.MAX).stream()
                .filter(b -> b.enabled() && "processed".equals(b.status()))
                .map(b -> new BuildChoice(b.id(), (b.versionName() == null ? b.fileName() : b.versionName())
                        + (b.versionCode() == null ? "" : " (" + b.versionCode() + ")")))
                .toList();
        String base = "/dashboard/apps/" + a.organizationSlug() + "/" + a.slug();
        return new Target(t, a.name(), base + "/releases", base, manages, builds);
    }

    private void list(Context ctx, Target t) {
        List<Channel> channels = releases.channels(t.target());
        List<Row> rows = releases.releases(t.target(), null, null, 100).stream().map(r -> row(t, r)).toList();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("target", t);
        params.put("channels", channels);
        params.put("releases", rows);
        params.put("channelNames", channels.isEmpty() ? ReleaseService.STANDARD_CHANNELS
                : channels.stream().map(Channel::name).toList());
        pages.render(ctx, "releases.jte", params);
    }

    private void create(Context ctx, Target t) {
        Principal me = Authenticator.principal(ctx);
        Params p = Params.of(ctx);
        long build = Params.id(p.require("build")).orElseThrow(() -> new DepotException.NotFound("unknown_build", "There is no such build here."));
        HaltRule rule = HaltRule.of(p.get("failureThreshold").orElse(null), p.get("minFinished").orElse(null), HaltRule.DEFAULT);
        Release r = releases.create(me, t.target(), new ReleaseService.NewRelease(p.require("channel"), build,
                Rollout.basisPoints(p.get("percentage").filter(s -> !s.isBlank()).orElse("100")),
                p.bool("allowDowngrade").orElse(false), rule));
        ctx.redirect(t.base() + "/" + r.id(), HttpStatus.SEE_OTHER);
    }

    private void page(Context ctx, Target t) {
        Release r = releases.release(t.target(), id(ctx));
        Funnel f = r.funnel();
        // bars are drawn against the widest step (devices report what they reached; some skip "offered")
        long widest = Math.max(1, List.of(f.offered(), f.downloading(), f.downloaded(), f.installing(), f.installed(), f.failed())
                .stream().mapToLong(Long::longValue).max().orElse(1));
        List<Step> funnel = List.of(
                new Step("offered", f.offered(), share(f.offered(), widest)),
                new Step("downloading", f.downloading(), share(f.downloading(), widest)),
                new Step("downloaded", f.downloaded(), share(f.downloaded(), widest)),
                new Step("installing", f.installing(), share(f.installing(), widest)),
                new Step("installed", f.installed(), share(f.installed(), widest)),
                new Step("failed", f.failed(), share(f.failed(), widest)));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("target", t);
        params.put("release", r);
        params.put("row", row(t, r));
        params.put("funnel", funnel);
        List<FailureCount> failures = releases.failures(t.target(), r.id());
        TreeSet<String> reasons = new TreeSet<>();
        failures.forEach(x -> reasons.add(x.reason()));
        params.put("reasons", List.copyOf(reasons));
        params.put("columns", columns(failures));
        params.put("events", releases.events(t.target(), r.id()).stream().map(ReleasePages::line).toList());
        params.put("failureRate", f.finished() == 0 ? "no install has finished yet"
                : String.format("%d of %d finished installs failed (%.1f %%; at least %.1f %% at 95 %% confidence)",
                f.failed(), f.finished(), 100.0 * f.failed() / f.finished(),
                100 * HaltRule.wilsonLowerBound(f.failed(), f.finished())));
        // the buttons the state allows, as ReleaseService decides (completing a complete release is not offered)
        params.put("canPause", r.state().mayPause());
        params.put("canResume", r.state().mayResume());
        params.put("canComplete", r.state().mayCompleteOrRollBack() && r.state() != ReleaseState.COMPLETE);
        params.put("canRollback", r.state().mayCompleteOrRollBack());
        params.put("canRollout", r.state().mayChangePercentage());
        params.put("haltedAt", r.haltedAt() == null ? "" : TIME.format(Instant.ofEpochMilli(r.haltedAt())));
        pages.render(ctx, "release.jte", params);
    }

    private void act(Context ctx, Target t) {
        Principal me = Authenticator.principal(ctx);
        long id = id(ctx);
        switch (ctx.pathParam("action")) {
            case "pause" -> releases.pause(me, t.target(), id);
            case "resume" -> releases.resume(me, t.target(), id);
            case "complete" -> releases.complete(me, t.target(), id);
            case "rollback" -> releases.rollback(me, t.target(), id);
            case "rollout" -> releases.rollout(me, t.target(), id, Rollout.basisPoints(Params.of(ctx).require("percentage")));
            default -> throw new DepotException.NotFound("unknown_action", "There is no such action.");
        }
        ctx.redirect(t.base() + "/" + id, HttpStatus.SEE_OTHER);
    }

    /** The release as a row; its build named as the release form names it (its id, for a build no longer published). */
    private static Row row(Target t, Release r) {
        String build = t.builds().stream().filter(b -> b.id() == r.buildId()).map(BuildChoice::label).findFirst()
                .orElse("#" + r.buildId());
        return new Row(r.id(), r.channel().name(), build, r.state().wireName(), Rollout.percentText(r.basisPoints()) + " %",
                r.funnel().installed(), r.funnel().failed(), TIME.format(Instant.ofEpochMilli(r.createdAt())));
    }

    private static int share(long n, long of) {
        return (int) Math.min(100, Math.round(100.0 * n / of));
    }

    /** Hours with failures, oldest first, each with its count per reason (at most the newest 48 hours). */
    private static List<FailureColumn> columns(List<FailureCount> failures) {
        TreeMap<Long, Map<String, Long>> byHour = new TreeMap<>();
        for (FailureCount x : failures) {
            byHour.computeIfAbsent(x.hour(), h -> new TreeMap<>()).merge(x.reason(), x.count(), Long::sum);
        }
        List<FailureColumn> out = new ArrayList<>();
        for (var e : byHour.entrySet()) {
            out.add(new FailureColumn(TIME.format(Instant.ofEpochSecond(e.getKey() * 3600)), e.getValue(),
                    e.getValue().values().stream().mapToLong(Long::longValue).sum()));
        }
        return out.size() > 48 ? out.subList(out.size() - 48, out.size()) : out;
    }

    private static EventLine line(ReleaseEvent e) {
        return new EventLine(TIME.format(Instant.ofEpochMilli(e.occurredAt())), e.kind().replace('_', ' '), e.detail(),
                e.username() == null ? "Depot" : e.username());
    }

    private static long id(Context ctx) {
        return Params.id(ctx.pathParam("id")).orElseThrow(() -> new DepotException.NotFound("unknown_release",
                "There is no such release here."));
    }
}
