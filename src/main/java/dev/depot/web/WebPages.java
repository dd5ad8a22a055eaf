package dev.depot.web;

import dev.depot.api.Access;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Responses;
import dev.depot.api.Routes;
import dev.depot.core.DepotException;
import dev.depot.delivery.DeliveryService;
import dev.depot.delivery.DownloadType;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import dev.depot.repository.FdroidExport;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryEntry;
import dev.depot.repository.RepositoryService;
import gg.jte.Content;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The public web pages, rendered on the server from templates compiled with the jar (jte): the
 * devices with search, and a page per device with its builds by variant. They read through the
 * same services as the API; a download button is the updater's own link, so it counts the same.
 */
public final class WebPages {
    /** A device in the list. */
    public record DeviceRow(String codename, String name, String manufacturer, boolean maintained, int builds) {}

    /** A build on a device page. */
    public record BuildRow(long id, String version, String date, String size, String sha256, String downloadUrl,
                           String changelog) {}

    /** A public app on the home page: the newest version of a package in a repository. */
    /** One variant's section of a device page: a page of builds and the link to older ones (null at the end). */
    public record VariantBuilds(List<BuildRow> builds, String older) {}

    public record AppRow(String label, String packageName, String versionName, String repository, String repositoryTitle) {}

    /** htmx, from its webjar; served under /assets like the stylesheet, through a route that declares its access. */
    private static final String HTMX = "/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js";
    /** uPlot, for the statistics charts, from its webjar. */
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

    private final Ota ota;
    private final DeliveryService delivery;
    private final RepositoryService repositories;
    private final FdroidExport fdroid;
    private final Links links;
    private final PageRenderer pages;
    private final byte[] css;
    private final byte[] js;
    private final byte[] htmx;
    private final byte[] uplot;
    private final byte[] uplotCss;

    public WebPages(Ota ota, DeliveryService delivery, RepositoryService repositories, FdroidExport fdroid, Links links,
                    PageRenderer pages) {
        this.ota = ota;
        this.pages = pages;
        this.delivery = delivery;
        this.repositories = repositories;
        this.fdroid = fdroid;
        this.links = links;
        this.css = resource("/web/depot.css");
        this.js = resource("/web/depot.js");
        this.htmx = resource(HTMX);
        this.uplot = resource(UPLOT + "uPlot.iife.min.js");
        this.uplotCss = resource(UPLOT + "uPlot.min.css");
    }

    public void register(Routes all) {
        Routes routes = all.on(pages.surface());
        routes.get("/", Access.PUBLIC, this::home);
        routes.get("/devices/{codename}", Access.PUBLIC, this::device);
        routes.get("/builds/{id}", Access.PUBLIC, this::build);
        routes.get("/install/{token}", Access.PUBLIC, this::install);
        routes.get("/repositories/{name}", Access.PUBLIC, this::repository);
        routes.get("/assets/depot.css", Access.PUBLIC, ctx -> asset(ctx, "text/css; charset=utf-8", css));
        routes.get("/assets/depot.js", Access.PUBLIC, ctx -> asset(ctx, "text/javascript; charset=utf-8", js));
        routes.get("/assets/uPlot-1.6.30.min.js", Access.PUBLIC, ctx -> asset(ctx, "text/javascript; charset=utf-8", uplot));
        routes.get("/assets/uPlot-1.6.30.min.css", Access.PUBLIC, ctx -> asset(ctx, "text/css; charset=utf-8", uplotCss));
        routes.get("/assets/htmx-2.0.10.min.js", Access.PUBLIC, ctx -> asset(ctx, "text/javascript; charset=utf-8", htmx));
    }

    private static void asset(Context ctx, String type, byte[] bytes) {
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.contentType(type);
        Responses.write(ctx, bytes);
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Devices (and apps) one page of the home page lists. */
    static final int HOME_PAGE = 50;

    /**
     * The home page: a page of {@value #HOME_PAGE} devices (by maker, then name) and as many apps
     * (by repository, then label), matching the search; {@code ?page=N} pages on through both.
     */
    private void home(Context ctx) {
        String query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").trim();
        boolean unmaintained = ctx.queryParam("unmaintained") != null;
        int page = pageNumber(ctx.queryParam("page"));
        int offset = (page - 1) * HOME_PAGE;
        List<Device> devices = ota.devices().visiblePage(query, unmaintained, offset, HOME_PAGE + 1);
        Map<String, Integer> published = ota.builds().publishedBuildCounts(devices);
        List<DeviceRow> rows = devices.stream().limit(HOME_PAGE)
                .map(d -> new DeviceRow(d.codename(), d.name(), d.manufacturer(), d.maintained(),
                        published.getOrDefault(d.codename(), 0)))
                .toList();
        String q = query.toLowerCase(Locale.ROOT);
        List<AppRow> apps = publishedApps().stream()
                .filter(a -> q.isEmpty() || (a.label() + " " + a.packageName()).toLowerCase(Locale.ROOT).contains(q))
                .skip(offset).limit(HOME_PAGE + 1).toList();
        String next = devices.size() > HOME_PAGE || apps.size() > HOME_PAGE ? homeLink(query, unmaintained, page + 1) : null;
        String previous = page > 1 ? homeLink(query, unmaintained, page - 1) : null;
        pages.render(ctx, "home.jte", Map.of("devices", rows, "apps", apps.stream().limit(HOME_PAGE).toList(), "query", query,
                "unmaintained", unmaintained, "pages", new PageLinks(previous, next)));
    }

    /** Links to the pages before and after one (null where there is none). */
    public record PageLinks(String previous, String next) {}

    private static String homeLink(String query, boolean unmaintained, int page) {
        StringBuilder link = new StringBuilder("/?");
        if (!query.isEmpty()) {
            link.append("q=").append(URLEncoder.encode(query, StandardCharsets.UTF_8)).append('&');
        }
        if (unmaintained) {
            link.append("unmaintained=1&");
        }
        return link.append("page=").append(page).toString();
    }

    /** A page number from the query: 1 when absent or not a positive number. */
    static int pageNumber(String text) {
        try {
            return text == null ? 1 : Math.max(1, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private record AppsAt(String revisions, List<AppRow> apps) {}

    private volatile AppsAt appsCache = new AppsAt("", List.of());

    /**
     * The newest version of each app in each repository. Reading every entry of every repository
     * is the costly part of the home page, so the list is kept until a repository's revision moves
     * (one small query per request tells).
     */
    private List<AppRow> publishedApps() {
        List<Repository> all = repositories.all();
        String revisions = all.stream().map(r -> r.id() + ":" + r.revision()).collect(Collectors.joining(","));
        AppsAt cached = appsCache;
        if (cached.revisions().equals(revisions)) {
            return cached.apps();
        }
        List<AppRow> apps = new ArrayList<>();
        for (Repository repo : all) {
            Map<String, RepositoryEntry> newest = new TreeMap<>();
            for (RepositoryEntry e : repositories.entries(repo)) {
                newest.merge(e.packageName(), e, (a, b) -> a.versionCode() >= b.versionCode() ? a : b);
            }
            for (RepositoryEntry e : newest.values()) {
                String label = e.label() == null || e.label().isBlank() ? e.packageName() : e.label();
                apps.add(new AppRow(label, e.packageName(), e.versionName(), repo.name(), repo.title()));
            }
        }
        appsCache = new AppsAt(revisions, List.copyOf(apps));
        return apps;
    }

    /** Builds a device's page lists per variant; older ones are a page on. */
    static final int DEVICE_PAGE = 20;

    /**
     * A device's page: the newest {@value #DEVICE_PAGE} published builds of each variant, each with
     * a link to the next older page of that variant ({@code ?variant=V&before=ID}, which shows only
     * that variant).
     */
    private void device(Context ctx) {
        Device device = ota.devices().visibleDevice(ctx.pathParam("codename")).orElse(null);
        if (device == null) {
            notFound(ctx, "There is no such device.");
            return;
        }
        String only = ctx.queryParam("variant");
        Long before = only == null ? null : Params.id(Objects.requireNonNullElse(ctx.queryParam("before"), "")).orElse(null);
        Map<String, VariantBuilds> variants = new LinkedHashMap<>();
        for (String variant : only == null ? ota.builds().publishedVariantsOf(device.codename()) : List.of(only)) {
            List<OtaBuild> page = ota.builds().publishedBuildsOfDevice(device.codename(), variant, before, DEVICE_PAGE + 1);
            if (page.isEmpty()) {
                continue;
            }
            List<BuildRow> rows = page.stream().limit(DEVICE_PAGE).map(b -> new BuildRow(b.id(), b.version(), b.buildDate().toString(),
                    humanSize(b.size()), b.sha256(), links.buildDownload(b.id(), b.fileName(), DownloadType.DOWNLOAD), b.changelog())).toList();
            String older = page.size() > DEVICE_PAGE ? "/devices/" + device.codename() + "?variant="
                    + URLEncoder.encode(variant, StandardCharsets.UTF_8) + "&before=" + rows.getLast().id() : null;
            variants.put(variant, new VariantBuilds(rows, older));
        }
        pages.render(ctx, "device.jte", Map.of("device", device, "variants", variants, "paged", only != null));
    }

    private void build(Context ctx) {
        Optional<Long> id = Params.id(ctx.pathParam("id")); // not an id: 404 as for an unknown one
        OtaBuild build = id.flatMap(ota.builds()::publicBuild).orElse(null);
        if (build == null) {
            // a build of a visible device that is not published: withdrawn, or not yet checked
            Optional<OtaBuild> known = id.flatMap(ota.builds()::build)
                    .filter(b -> ota.devices().visibleDevice(b.deviceCodename()).isPresent());
            if (known.isPresent() && !known.get().enabled()) {
                Device d = ota.devices().requireDevice(known.get().deviceCodename());
                pages.error(ctx, 410, known.get().fileName() + " was withdrawn by its maintainers and is no longer offered.",
                        "/devices/" + d.codename(), "The builds " + d.manufacturer() + " " + d.name() + " is offered");
            } else if (known.isPresent()) {
                notFound(ctx, "This build is still being checked; its page opens once it is published.");
            } else {
                notFound(ctx, "There is no such build.");
            }
            return;
        }
        Device device = ota.devices().requireDevice(build.deviceCodename());
        String url = links.buildDownload(build.id(), build.fileName(), DownloadType.DOWNLOAD);
        // the newest published build of the same device and variant, when it is not this one
        Optional<OtaBuild> newer = ota.builds().publishedBuildsOfDevice(device.codename(), build.variantCodename(), null, 1).stream()
                .findFirst().filter(b -> b.id() != build.id());
        pages.render(ctx, "build.jte", Map.of("device", device, "build", build, "size", humanSize(build.size()),
                "age", age(build.buildDate(), LocalDate.now(ZoneOffset.UTC)), "newer", newer,
                "downloadUrl", url, "qr", (Content) out -> out.writeContent(QrSvg.of(url))));
    }

    /** "today", "yesterday", "12 days ago": how old a build made on {@code date} is. */
    static String age(LocalDate date, LocalDate today) {
        long days = java.time.temporal.ChronoUnit.DAYS.between(date, today);
        return days <= 0 ? "today" : days == 1 ? "yesterday" : days + " days ago";
    }

    /**
     * A tester's page for a download token: what the token names, and one button. Looking counts
     * nothing; the button is the token's own link ({@code /v1/download/{token}}), which counts the
     * download and sends the file, or for iOS the manifest that {@code itms-services} installs from.
     */
    private void install(Context ctx) {
        String token = ctx.pathParam("token");
        DeliveryService.Offer offer;
        try {
            offer = delivery.peek(token);
        } catch (DepotException.NotFound | DepotException.Gone e) {
            int status = e instanceof DepotException.Gone ? 410 : 404;
            pages.error(ctx, status, status == 410
                    ? "This install link has expired; ask for a new one." : "This install link is not valid.");
            return;
        }
        String redeem = links.base() + "/v1/download/" + Links.encodePathSegment(token);
        boolean ios = offer.form() == DeliveryService.Form.MANIFEST;
        // iOS fetches the manifest itself; its link redeems the token into the plist directly
        String installUrl = ios
                ? "itms-services://?action=download-manifest&url="
                        + URLEncoder.encode(redeem + "/manifest.plist", StandardCharsets.UTF_8)
                : redeem;
        String page = links.base() + "/install/" + Links.encodePathSegment(token);
        Map<String, Object> facts = offer.build().facts() == null ? Map.of() : offer.build().facts();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("app", offer.app());
        params.put("build", offer.build());
        params.put("ios", ios);
        params.put("installUrl", installUrl);
        params.put("size", humanSize(offer.build().size()));
        params.put("organization", offer.organization());
        params.put("expires", offer.expires());
        params.put("pageUrl", page);
        params.put("pageQr", (Content) out -> out.writeContent(QrSvg.of(page, "QR code of this page")));
        params.put("minAndroid", facts.get("minSdk") instanceof Number n ? androidVersion(n.intValue()) : "");
        params.put("permissions", facts.get("permissions") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of());
        params.put("signers", facts.get("signing") instanceof Map<?, ?> m && m.get("signerCertSha256") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of());
        pages.render(ctx, "install.jte", params);
    }

    /** "Android 8.0 (API level 26)": the release an API level first shipped in; the level alone when it is not known here. */
    static String androidVersion(int apiLevel) {
        String[] releases = {"1.0", "1.1", "1.5", "1.6", "2.0", "2.0.1", "2.1", "2.2", "2.3", "2.3.3", "3.0", "3.1", "3.2", "4.0",
            "4.0.3", "4.1", "4.2", "4.3", "4.4", "4.4W", "5.0", "5.1", "6.0", "7.0", "7.1", "8.0", "8.1", "9", "10", "11", "12",
            "12L", "13", "14", "15", "16"};
        return apiLevel >= 1 && apiLevel <= releases.length
                ? "Android " + releases[apiLevel - 1] + " (API level " + apiLevel + ")" : "API level " + apiLevel;
    }

    /** A repository (repositories are public): its apps and versions, and how to add it to F-Droid. */
    private void repository(Context ctx) {
        Repository repo;
        try {
            repo = repositories.require(ctx.pathParam("name"));
        } catch (DepotException.NotFound e) {
            notFound(ctx, "There is no such repository.");
            return;
        }
        Map<String, List<RepositoryEntry>> apps = new TreeMap<>();
        for (RepositoryEntry e : repositories.entries(repo)) {
            apps.computeIfAbsent(e.packageName(), p -> new ArrayList<>()).add(e);
        }
        apps.values().forEach(v -> v.sort(Comparator.comparingLong(RepositoryEntry::versionCode).reversed()));
        String address = fdroid.address(repo.name());
        String fingerprint = fdroid.fingerprint(repo);
        String addUrl = address + "?fingerprint=" + fingerprint;
        // F-Droid opens fdroidrepos:// (https) and fdroidrepo:// (http) links itself
        String addLink = addUrl.replaceFirst("^https://", "fdroidrepos://").replaceFirst("^http://", "fdroidrepo://");
        pages.render(ctx, "repository.jte", Map.of("repository", repo, "apps", apps, "fdroidAddress", address,
                "fingerprint", fingerprint, "addLink", addLink, "qr", (Content) out -> out.writeContent(QrSvg.of(addUrl))));
    }

    private void notFound(Context ctx, String message) {
        pages.error(ctx, 404, message);
    }

    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
