package dev.depot.api.nativeapi;

import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.ClientAddress;
import dev.depot.api.Links;
import dev.depot.api.Paging;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import dev.depot.release.Channel;
import dev.depot.release.FailureReason;
import dev.depot.release.HaltRule;
import dev.depot.release.Installation;
import dev.depot.release.InstallationRepository;
import dev.depot.release.Installations;
import dev.depot.release.Release;
import dev.depot.release.ReleaseEvent;
import dev.depot.release.ReleaseService;
import dev.depot.release.ReleaseTarget;
import dev.depot.release.Releases;
import dev.depot.release.ReportStep;
import dev.depot.release.Asker;
import dev.depot.release.RomOffers;
import dev.depot.release.Rollout;
import dev.depot.release.Standing;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryService;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The native API of controlled releases, for devices (ROM builds) and apps alike: channels,
 * releases and their rollouts, installations and their reports; and the update check and report
 * routes phones call.
 */
public final class ReleaseRoutes {
    private static final String DEVICE = "/v1/devices/{codename}";
    private static final String APP = "/v1/organizations/{org}/apps/{app}";

    private final Releases releases;
    private final Links links;
    private final ClientAddress clients;
    private final RepositoryService repositories;

    public ReleaseRoutes(Releases releases, RepositoryService repositories, Links links, ClientAddress clients) {
        this.releases = releases;
        this.repositories = repositories;
        this.links = links;
        this.clients = clients;
    }

    public void register(Routes r) {
        ReleaseService service = releases.service();
        register(r, DEVICE, (ctx, me) -> service.managedDevice(me, ctx.pathParam("codename")),
                (ctx, me) -> service.managedDevice(me, ctx.pathParam("codename")));
        register(r, APP, (ctx, me) -> service.managedApp(me, ctx.pathParam("org"), ctx.pathParam("app")),
                (ctx, me) -> service.viewedApp(me, ctx.pathParam("org"), ctx.pathParam("app")));
        // what phones call: their token, their reports, the update check
        r.post(DEVICE + "/installations/{installation}/token", Access.PUBLIC, ctx -> {
            String token = releases.installations().claimToken(service.publicDevice(ctx.pathParam("codename")),
                    ctx.pathParam("installation"));
            ctx.status(201);
            Envelope.ok(ctx, Map.of("installation", ctx.pathParam("installation"), "token", token));
        });
        r.post(DEVICE + "/installations/{installation}/reports", Access.DEVICE, ctx -> {
            ReleaseTarget target = service.publicDevice(ctx.pathParam("codename"));
            Installation i = releases.installations().authenticate(target, ctx.pathParam("installation"),
                    ctx.header("Depot-Installation-Token"));
            Standing s = releases.installations().report(i, newReport(Params.of(ctx)));
            Envelope.ok(ctx, standing(s));
        });
        r.get(DEVICE + "/update", Access.PUBLIC, this::romUpdate);
        // an app's phones, through the repository they update from (the package names the app)
        String repoInstallation = "/v1/repositories/{repo}/installations/{installation}";
        r.post(repoInstallation + "/token", Access.PUBLIC, ctx -> {
            String token = releases.installations().claimToken(appOfRepository(ctx, Params.of(ctx)), ctx.pathParam("installation"));
            ctx.status(201);
            Envelope.ok(ctx, Map.of("installation", ctx.pathParam("installation"), "token", token));
        });
        r.post(repoInstallation + "/reports", Access.DEVICE, ctx -> {
            Params p = Params.of(ctx);
            Installation i = releases.installations().authenticate(appOfRepository(ctx, p), ctx.pathParam("installation"),
                    ctx.header("Depot-Installation-Token"));
            Envelope.ok(ctx, standing(releases.installations().report(i, newReport(p))));
        });
        // hawkBit DDI credentials: a device's gateway token, an installation's target token (each shown once)
        r.post(DEVICE + "/gateway-token", Access.PUBLISH, ctx -> {
            String token = releases.installations().issueGatewayToken(service.managedDevice(me(ctx), ctx.pathParam("codename")));
            ctx.status(201);
            Envelope.ok(ctx, Map.of("token", token));
        });
        r.post(DEVICE + "/installations/{installation}/target-token", Access.PUBLISH, ctx -> {
            String token = releases.installations().issueToken(service.managedDevice(me(ctx), ctx.pathParam("codename")),
                    ctx.pathParam("installation"));
            ctx.status(201);
            Envelope.ok(ctx, Map.of("installation", ctx.pathParam("installation"), "token", token));
        });
    }

    private void register(Routes r, String base, BiFunction<Context, Principal, ReleaseTarget> manage,
                          BiFunction<Context, Principal, ReleaseTarget> view) {
        ReleaseService service = releases.service();
        Installations installations = releases.installations();
        r.get(base + "/channels", Access.READ, ctx -> Envelope.ok(ctx,
                service.channels(view.apply(ctx, me(ctx))).stream().map(ReleaseRoutes::channel).toList()));
        r.put(base + "/channels/{channel}", Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            Channel c = service.putChannel(manage.apply(ctx, me(ctx)), ctx.pathParam("channel"),
                    p.get("stability").map(ReleaseRoutes::integer).orElse(null), p.bool("default").orElse(false));
            Envelope.ok(ctx, channel(c));
        });
        r.get(base + "/releases", Access.READ, ctx -> {
            ReleaseTarget t = view.apply(ctx, me(ctx));
            Paging page = Paging.of(ctx);
            Envelope.ok(ctx, page.linked(ctx, service.releases(t, ctx.queryParam("channel"), page.before(), page.limit()), Release::id)
                    .stream().map(ReleaseRoutes::release).toList());
        });
        r.post(base + "/releases", Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            ReleaseTarget t = manage.apply(ctx, me(ctx));
            Release created = service.create(me(ctx), t, new ReleaseService.NewRelease(p.require("channel"),
                    Params.id(p.require("build")).orElseThrow(() ->
                    new DepotException.NotFound("unknown_build", "There is no such build here.")), percentage(p), p.bool("allowDowngrade").orElse(false), haltRule(p, HaltRule.DEFAULT)));
            ctx.status(201);
            Envelope.ok(ctx, release(created));
        });
        String one = base + "/releases/{release}";
        r.get(one, Access.READ, ctx -> {
            ReleaseTarget t = view.apply(ctx, me(ctx));
            Release rel = service.release(t, id(ctx.pathParam("release")));
            Map<String, Object> out = release(rel);
            out.put("failures", service.failures(t, rel.id()).stream().map(f -> Map.of("reason", f.reason(),
                    "hour", f.hour() * 3600, "count", f.count())).toList());
            out.put("events", service.events(t, rel.id()).stream().map(ReleaseRoutes::event).toList());
            Envelope.ok(ctx, out);
        });
        r.patch(one, Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            ReleaseTarget t = manage.apply(ctx, me(ctx));
            Release current = service.release(t, id(ctx.pathParam("release")));
            Envelope.ok(ctx, release(service.configure(me(ctx), t, current.id(), haltRule(p, current.haltRule()),
                    p.bool("allowDowngrade").orElse(current.allowDowngrade()))));
        });
        r.post(one + "/promote", Access.PUBLISH, ctx -> {
            Params p = Params.of(ctx);
            Release created = service.promote(me(ctx), manage.apply(ctx, me(ctx)), id(ctx.pathParam("release")),
                    p.require("channel"), percentage(p));
            ctx.status(201);
            Envelope.ok(ctx, release(created));
        });
        r.post(one + "/rollout", Access.PUBLISH, ctx -> Envelope.ok(ctx, release(service.rollout(me(ctx),
                manage.apply(ctx, me(ctx)), id(ctx.pathParam("release")), Rollout.basisPoints(Params.of(ctx).require("percentage"))))));
        r.post(one + "/pause", Access.PUBLISH, ctx -> Envelope.ok(ctx, release(service.pause(me(ctx),
                manage.apply(ctx, me(ctx)), id(ctx.pathParam("release"))))));
        r.post(one + "/resume", Access.PUBLISH, ctx -> Envelope.ok(ctx, release(service.resume(me(ctx),
                manage.apply(ctx, me(ctx)), id(ctx.pathParam("release"))))));
        r.post(one + "/complete", Access.PUBLISH, ctx -> Envelope.ok(ctx, release(service.complete(me(ctx),
                manage.apply(ctx, me(ctx)), id(ctx.pathParam("release"))))));
        r.post(one + "/rollback", Access.PUBLISH, ctx -> Envelope.ok(ctx, release(service.rollback(me(ctx),
                manage.apply(ctx, me(ctx)), id(ctx.pathParam("release"))))));
        r.post(one + "/failures/clear", Access.PUBLISH, ctx -> {
            int n = installations.clearFailures(manage.apply(ctx, me(ctx)), id(ctx.pathParam("release")),
                    Params.of(ctx).get("installation").orElse(null));
            Envelope.ok(ctx, Map.of("cleared", n));
        });
        r.get(base + "/installations", Access.READ, ctx -> Envelope.ok(ctx, installations.list(manage.apply(ctx, me(ctx)),
                        ctx.queryParam("search"), ctx.queryParam("after"),
                        Optional.ofNullable(ctx.queryParam("limit")).map(ReleaseRoutes::integer).orElse(50))
                .stream().map(ReleaseRoutes::installation).toList()));
        r.get(base + "/installations/{installation}", Access.READ, ctx -> {
            Installation i = installations.installation(manage.apply(ctx, me(ctx)), ctx.pathParam("installation"));
            Map<String, Object> out = installation(i);
            out.put("releases", installations.standings(i).stream().map(ReleaseRoutes::standing).toList());
            out.put("reports", installations.reports(i).stream().map(ReleaseRoutes::report).toList());
            Envelope.ok(ctx, out);
        });
        r.patch(base + "/installations/{installation}", Access.PUBLISH, ctx -> {
            String channel = Params.of(ctx).get("channel").filter(s -> !s.isBlank()).orElse(null);
            ReleaseTarget t = manage.apply(ctx, me(ctx));
            if (channel != null && service.channels(t).stream().noneMatch(c -> c.name().equals(channel))) {
                throw new DepotException.NotFound("unknown_channel", "There is no channel '" + channel + "' here.");
            }
            Envelope.ok(ctx, installation(installations.setChannel(t, ctx.pathParam("installation"), channel)));
        });
        r.delete(base + "/installations/{installation}", Access.PUBLISH, ctx -> {
            installations.revoke(manage.apply(ctx, me(ctx)), ctx.pathParam("installation"));
            Envelope.ok(ctx, Map.of("revoked", true));
        });
    }

    /**
     * The native ROM update check: the newest build this phone is offered, newer than the one it
     * runs ({@code datetime}, Unix seconds of its build date) unless the release allows a downgrade;
     * {@code update} is null when there is none.
     */
    private void romUpdate(Context ctx) {
        String codename = ctx.pathParam("codename");
        String variant = ctx.queryParam("variant");
        if (variant == null || variant.isBlank()) {
            throw new DepotException.Invalid("missing_parameters", "The query parameter 'variant' is required.");
        }
        RomBuildService.UpdaterRequest request = releases.roms().request(codename, variant, ctx.queryParam("x86Type"));
        Long installed = Optional.ofNullable(ctx.queryParam("datetime")).map(ReleaseRoutes::seconds).orElse(null);
        RomOffers.Update u = releases.roms().update(request, ctx.queryParam("channel"), Asker.of(ctx.queryParam("installation"),
                ctx.header("Depot-Installation"), clients.of(ctx), ctx.header("User-Agent")), installed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", u.channel());
        Map<String, Object> update = null;
        if (u.build() != null) {
            update = romBuild(u.build());
            if (u.release() != null) {
                update.put("release", release(u.release()));
            }
        }
        out.put("update", update);
        Envelope.ok(ctx, out);
    }

    private Map<String, Object> romBuild(OtaBuild b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("buildId", b.id());
        out.put("fileName", b.fileName());
        out.put("size", b.size());
        out.put("sha256", b.sha256());
        out.put("version", b.version());
        out.put("variant", b.variantCodename());
        out.put("datetime", b.buildEpochSeconds());
        out.put("url", links.buildDownload(b.id(), b.fileName(), DownloadType.UPDATE));
        return out;
    }

    /** The app whose package the request names, published in the repository of the path. */
    private ReleaseTarget appOfRepository(Context ctx, Params p) {
        Repository repo = repositories.require(ctx.pathParam("repo"));
        String pkg = p.require("package");
        return repositories.appOfPackage(repo, pkg).map(ReleaseTarget::app).orElseThrow(() ->
                new DepotException.NotFound("unknown_package", "This repository publishes no package '" + pkg + "'."));
    }

    private static Installations.NewReport newReport(Params p) {
        ReportStep step = ReportStep.parse(p.require("step"));
        FailureReason reason = p.get("reason").filter(s -> !s.isBlank()).map(FailureReason::parse).orElse(null);
        return new Installations.NewReport(id(p.require("release")), step, p.get("progress").map(ReleaseRoutes::integer).orElse(null),
                reason, p.get("message").orElse(null), p.get("id").orElse(null));
    }

    private static int percentage(Params p) {
        return Rollout.basisPoints(p.get("percentage").orElse("100"));
    }

    private static HaltRule haltRule(Params p, HaltRule current) {
        return HaltRule.of(p.get("failureThreshold").orElse(null), p.get("minFinished").orElse(null), current);
    }

    static Map<String, Object> channel(Channel c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", c.name());
        out.put("stability", c.stability());
        out.put("default", c.isDefault());
        return out;
    }

    static Map<String, Object> release(Release r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("channel", r.channel().name());
        out.put("build", r.buildId());
        out.put("state", r.state().wireName());
        out.put("percentage", r.percentage());
        out.put("allowDowngrade", r.allowDowngrade());
        out.put("failureThreshold", r.haltRule().thresholdBp() / 100.0);
        out.put("minFinished", r.haltRule().minFinished());
        out.put("haltReason", r.haltReason());
        out.put("haltedAt", r.haltedAt());
        out.put("createdAt", r.createdAt());
        out.put("updatedAt", r.updatedAt());
        Map<String, Object> funnel = new LinkedHashMap<>();
        funnel.put("offered", r.funnel().offered());
        funnel.put("downloading", r.funnel().downloading());
        funnel.put("downloaded", r.funnel().downloaded());
        funnel.put("installing", r.funnel().installing());
        funnel.put("installed", r.funnel().installed());
        funnel.put("failed", r.funnel().failed());
        out.put("funnel", funnel);
        return out;
    }

    private static Map<String, Object> event(ReleaseEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", e.kind());
        out.put("detail", e.detail());
        out.put("by", e.username());
        out.put("at", e.occurredAt());
        return out;
    }

    private static Map<String, Object> installation(Installation i) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", i.key());
        out.put("channel", i.channel());
        out.put("hasToken", i.hasToken());
        out.put("firstSeenAt", i.firstSeenAt());
        out.put("lastSeenAt", i.lastSeenAt());
        out.put("revokedAt", i.revokedAt());
        return out;
    }

    private static Map<String, Object> standing(Standing s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("release", s.releaseId());
        out.put("step", s.lastStep().wireName());
        out.put("progress", s.progress());
        out.put("failed", s.failed());
        out.put("reason", s.failureReason());
        out.put("updatedAt", s.updatedAt());
        return out;
    }

    private static Map<String, Object> report(InstallationRepository.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("release", r.releaseId());
        out.put("step", r.step().wireName());
        out.put("progress", r.progress());
        out.put("reason", r.reason());
        out.put("message", r.message());
        out.put("receivedAt", r.receivedAt());
        return out;
    }

    private static long id(String text) {
        return Params.id(text).orElseThrow(() -> new DepotException.NotFound("unknown_release", "There is no such release here."));
    }

    private static long seconds(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new DepotException.Invalid("invalid_parameters", "'datetime' is the Unix time (seconds) of the installed build.");
        }
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new DepotException.Invalid("invalid_parameters", "'" + text + "' is not a whole number.");
        }
    }

    private static Principal me(Context ctx) {
        return Authenticator.principal(ctx);
    }
}
