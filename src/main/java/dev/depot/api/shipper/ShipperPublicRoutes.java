package dev.depot.api.shipper;

import dev.depot.api.Access;
import dev.depot.api.KeptAnswer;
import dev.depot.api.ClientAddress;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.auth.AuthService;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import dev.depot.release.Asker;
import dev.depot.release.ReleaseService;
import dev.depot.release.RomOffers;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * shipper's public endpoints: the LineageOS updater answer, device and maintainer lists, the
 * latest build, download counting and statistics, and system information. Paths exist under
 * {@code /api/v1}, and {@code /api/latest} answers as the newest version of each.
 */
public final class ShipperPublicRoutes {
    /** The shipper API level Depot implements; shippy refuses servers below 2.37.0. */
    public static final String SHIPPER_API_VERSION = "2.43.0";
    static final String SHIPPY_COMPAT_VERSION = "2.0.0";

    private static final String V1_UPDATER = "/api/v1/updater/los/";
    private static final String LATEST_UPDATER = "/api/latest/updater/los/";

    private final Ota ota;
    private final AuthService auth;
    private final DownloadCounter counter;
    private final Links links;
    private final String depotVersion;
    private final AnswerCache answers;
    private final RomOffers offers;
    private final ClientAddress clients;

    public ShipperPublicRoutes(Ota ota, RomOffers offers, LongSupplier releaseChanges, AuthService auth, DownloadCounter counter,
                               Links links, ClientAddress clients, String depotVersion, Duration answerTtl) {
        LongSupplier generation = () -> ota.builds().changes() + releaseChanges.getAsLong();
        this.answers = new AnswerCache(generation, answerTtl);
        this.ota = ota;
        this.offers = offers;
        this.clients = clients;
        this.auth = auth;
        this.counter = counter;
        this.links = links;
        this.depotVersion = depotVersion;
    }

    public void register(Routes all) {
        Routes routes = all.on(ShipperErrors.MAINTAINER, "/api/");
        Routes updater = all.on(ShipperErrors.UPDATER, "/api/v1/updater/", "/api/latest/updater/", "/api/v1/general/",
                "/api/latest/general/");
        for (String v : List.of("/api/v1", "/api/latest")) {
            updater.get(v + "/updater/los/{codename}/{variant}", Access.PUBLIC, this::updater);
            updater.get(v + "/updater/los/{codename}/{x86_type}/{variant}", Access.PUBLIC, this::updaterX86);
            updater.get(v + "/general/device/all", Access.PUBLIC, this::devices);
            updater.get(v + "/general/maintainer/all", Access.PUBLIC, ctx -> maintainers(ctx, false));
            updater.get(v + "/general/maintainer/active", Access.PUBLIC, ctx -> maintainers(ctx, true));
            updater.get(v + "/general/build/latest/{codename}/{variant}", Access.PUBLIC, this::latest);
            updater.get(v + "/general/build/magic_download/{codename}/{file_name}", Access.PUBLIC, this::magicDownload);
            routes.get(v + "/download/count/{period}", Access.PUBLIC, this::count);
        }
        routes.post("/api/v1/download/build/counter", Access.PUBLIC, ctx -> countBuild(ctx, false));
        for (String v : List.of("/api/v2", "/api/latest")) {
            routes.post(v + "/download/build/counter", Access.PUBLIC, ctx -> countBuild(ctx, true));
        }
        for (String v : List.of("/api/v1", "/api/v2", "/api/latest")) {
            routes.get(v + "/system/info", Access.PUBLIC, this::systemInfo);
        }
    }

    /**
     * The update check of a device without releases, answered from its kept answer before any
     * routing: {@code /api/v1/updater/los/{codename}/{variant}} (or {@code /api/latest/...}, with
     * or without {@code {x86_type}} and a trailing slash), when the routes rendered that answer
     * and nothing it derives from has changed since. That answer does not depend on the query
     * (only a device with releases reads {@code channel} and {@code installation}), so the query is
     * not looked at. Anything else (a refusal, a device with releases, an encoded or unusual path)
     * is left to the routes.
     */
    public KeptAnswer.Source keptUpdaterAnswers() {
        return path -> {
            String version = path.startsWith(V1_UPDATER) ? "/api/v1" : path.startsWith(LATEST_UPDATER) ? "/api/latest" : null;
            if (version == null) {
                return null;
            }
            int from = version.length() + "/updater/los/".length();
            int to = path.length() - (path.endsWith("/") ? 1 : 0);
            int slashes = 0;
            for (int i = from; i < to; i++) {
                char c = path.charAt(i);
                boolean first = i == from || path.charAt(i - 1) == '/';
                if (c == '/') {
                    if (first || ++slashes > 2) {
                        return null; // an empty segment, or too many
                    }
                } else if (!(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '~' || c == '.' && !first)) {
                    return null;
                }
            }
            if (to <= from || path.charAt(to - 1) == '/' || slashes == 0) {
                return null;
            }
            return answers.kept(path.substring(from, to), slashes == 1
                    ? version + "/updater/los/{codename}/{variant}" : version + "/updater/los/{codename}/{x86_type}/{variant}");
        };
    }

    private void updater(Context ctx) {
        answerUpdater(ctx, ctx.pathParam("codename"), ctx.pathParam("variant"), null);
    }

    private void updaterX86(Context ctx) {
        answerUpdater(ctx, ctx.pathParam("codename"), ctx.pathParam("variant"), ctx.pathParam("x86_type"));
    }

    /**
     * The LineageOS updater's answer. A device without releases lists every published build, as
     * shipper does; once it has releases, the builds its channels offer this phone ({@code channel}
     * and {@code installation} may be asked for in the query; an updater that sends neither is on
     * the default channel and bucketed by its address and User-Agent).
     */
    private void answerUpdater(Context ctx, String codename, String variant, String x86Type) {
        String base = codename + "/" + (x86Type == null ? "" : x86Type + "/") + variant;
        RomBuildService.UpdaterRequest request = offers.request(base, codename, variant, x86Type);
        Optional<ReleaseService.OfferPlan> plan = offers.plan(request);
        if (plan.isEmpty()) {
            // no release: the answer as before channels, whatever the query names
            answers.serve(ctx, base, () -> Map.of("response",
                    ota.builds().updaterBuilds(request).stream().map(b -> updaterEntry(b, x86Type)).toList()));
            return;
        }
        RomOffers.Offer offer = offers.offer(request, plan.get(), ctx.queryParam("channel"), asker(ctx));
        answers.serve(ctx, offer.cacheKey(), () -> Map.of("response",
                offers.builds(offer).stream().map(b -> updaterEntry(b, x86Type)).toList()));
    }

    /** Who asks: the installation it names, else its address and User-Agent. */
    private Asker asker(Context ctx) {
        return Asker.of(ctx.queryParam("installation"), ctx.header("Depot-Installation"), clients.of(ctx),
                ctx.header("User-Agent"));
    }

    private Map<String, Object> updaterEntry(OtaBuild b, String x86Type) {
        return updaterEntry(b, x86Type, links);
    }

    /** One build as the LineageOS updater reads it. */
    static Map<String, Object> updaterEntry(OtaBuild b, String x86Type, Links links) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("datetime", b.buildEpochSeconds());
        e.put("filename", b.baseName() + ".zip");
        e.put("id", b.sha256());
        e.put("size", b.size());
        e.put("version", b.version());
        e.put("variant", b.variantCodename());
        e.put("url", links.buildDownload(b.id(), b.fileName(), DownloadType.UPDATE));
        e.put("romtype", b.releaseType());
        if (x86Type != null) {
            e.put("x86_type", x86Type);
        }
        return e;
    }

    /** Every visible device with its variants: rendered once per change to devices or builds, as the update check is. */
    private void devices(Context ctx) {
        answers.serve(ctx, "general/device/all", () -> {
            Map<String, List<String>> variants = ota.builds().publishedVariantsByDevice();
            Map<String, Object> out = new LinkedHashMap<>();
            for (Device d : ota.devices().visibleDevices()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("status", d.maintained());
                entry.put("variants", variants.getOrDefault(d.codename(), List.of()));
                entry.put("note", d.note());
                out.put(d.codename(), entry);
            }
            return out;
        });
    }

    private void maintainers(Context ctx, boolean activeOnly) {
        Map<Long, List<String>> devices = ota.devices().maintainedDevicesByUser();
        Map<String, Object> out = new LinkedHashMap<>();
        for (User u : auth.listUsers()) {
            if (activeOnly && !u.active()) {
                continue;
            }
            if (!devices.containsKey(u.id())) {
                continue; // a user who maintains nothing is not a maintainer
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            if (!activeOnly) {
                entry.put("active", u.active());
            }
            entry.put("name", u.displayName().isEmpty() ? u.username() : u.displayName());
            entry.put("bio", u.bio());
            entry.put("profile_picture", u.profilePicture());
            entry.put("contact_url", u.contactUrl());
            entry.put("devices", devices.getOrDefault(u.id(), List.of()));
            out.put(u.username(), entry);
        }
        ctx.json(out);
    }

    private void latest(Context ctx) {
        OtaBuild b = ota.builds().updaterBuilds(ctx.pathParam("codename"), ctx.pathParam("variant"), null).getFirst();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("datetime", b.buildEpochSeconds());
        out.put("filename", b.baseName() + ".zip");
        out.put("sha256", b.sha256());
        out.put("size", b.size());
        out.put("version", b.version());
        out.put("variant", b.variantCodename());
        out.put("mirror_url", links.buildDownload(b.id(), b.fileName(), DownloadType.DOWNLOAD));
        out.put("metadata", b.metadata());
        ctx.json(out);
    }

    private void magicDownload(Context ctx) {
        String codename = ctx.pathParam("codename");
        ota.devices().requireDevice(codename);
        OtaBuild b = ota.builds().publishedBuildByFileName(ctx.pathParam("file_name"))
                .filter(x -> x.deviceCodename().equals(codename))
                .orElseThrow(() -> new DepotException.NotFound("invalid_build_name", "The specified build does not exist!"));
        counter.countDownload(b.id(), DownloadType.DOWNLOAD);
        ctx.redirect(links.buildDownload(b.id(), b.fileName(), null), HttpStatus.FOUND);
    }

    private void count(Context ctx) {
        Duration period = switch (ctx.pathParam("period")) {
            case "day" -> Duration.ofDays(1);
            case "week" -> Duration.ofDays(7);
            case "month" -> Duration.ofDays(31);
            case "all" -> null;
            default -> throw new DepotException.NotFound("route_not_found", "Not found.");
        };
        ctx.json(Map.of("count", counter.countSince(period)));
    }

    private void countBuild(Context ctx, boolean typed) {
        Params p = Params.of(ctx);
        DownloadType type = DownloadType.DOWNLOAD;
        if (typed) {
            type = p.get("download_type").flatMap(DownloadType::parse).orElseThrow(() ->
                    new DepotException.Invalid("invalid_download_type", "The download type must be 'download' or 'update'."));
        }
        Optional<String> fileName = p.get("file_name").filter(s -> !s.isBlank());
        Optional<String> buildId = p.get("build_id").filter(s -> !s.isBlank());
        OtaBuild build;
        if (fileName.isPresent()) {
            build = ota.builds().buildByFileName(fileName.get()).orElseThrow(() ->
                    new DepotException.NotFound("invalid_build_name", "The specified build file name does not exist!"));
        } else if (buildId.isPresent()) {
            build = Params.id(buildId.get()).flatMap(ota.builds()::build).orElseThrow(() ->
                    new DepotException.NotFound("invalid_build_id", "The specified build ID does not exist!"));
        } else {
            throw new DepotException.Invalid("missing_build_information",
                    "Either file_name or build_id must be given.");
        }
        counter.countDownload(build.id(), type);
        ctx.json(Map.of("message", "The request was successful!"));
    }

    private void systemInfo(Context ctx) {
        Map<String, String> variants = new LinkedHashMap<>();
        ota.devices().variants().forEach(v -> variants.put(v.codename(), v.description()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", SHIPPER_API_VERSION);
        out.put("shippy_compat_version", SHIPPY_COMPAT_VERSION);
        out.put("shippy_upload_checksum_type", "sha256");
        out.put("shippy_allowed_versions", ota.buildNames().allowedVersions());
        out.put("shippy_upload_variants", variants);
        out.put("depot_version", depotVersion);
        ctx.json(out);
    }
}
