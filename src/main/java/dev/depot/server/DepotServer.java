package dev.depot.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.ClientAddress;
import dev.depot.api.ErrorMapping;
import dev.depot.api.Links;
import dev.depot.api.OpenApiDocument;
import dev.depot.api.RouteTable;
import dev.depot.api.Routes;
import dev.depot.api.applivery.DeliveryRoutes;
import dev.depot.api.applivery.IntegrationRoutes;
import dev.depot.api.aptoide.AptoideRoutes;
import dev.depot.api.ddi.DdiRoutes;
import dev.depot.api.download.BlobResponder;
import dev.depot.api.download.DownloadRoutes;
import dev.depot.api.fdroid.FdroidRoutes;
import dev.depot.api.koodous.FeedRoutes;
import dev.depot.api.koodous.SampleRoutes;
import dev.depot.api.nativeapi.CatalogRoutes;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.api.nativeapi.NativeAdminRoutes;
import dev.depot.api.nativeapi.ReleaseRoutes;
import dev.depot.api.nativeapi.RepositoryRoutes;
import dev.depot.api.ops.OpsRoutes;
import dev.depot.api.shipper.ShipperAccountRoutes;
import dev.depot.api.shipper.ShipperPublicRoutes;
import dev.depot.api.shipper.ShipperUploadRoutes;
import dev.depot.api.tus.TusRoutes;
import dev.depot.api.tuf.TufRoutes;
import dev.depot.tuf.TufService;
import dev.depot.config.ConfigException;
import dev.depot.config.DownloadSettings;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.config.StorageSettings;
import dev.depot.db.Dialect;
import dev.depot.delivery.DownloadCounter;
import dev.depot.feed.FeedPackageName;
import dev.depot.jobs.JobWorker;
import dev.depot.jobs.Scheduler;
import dev.depot.storage.FileSystemBlobStore;
import dev.depot.web.AdminPages;
import dev.depot.web.Dashboard;
import dev.depot.web.PageRenderer;
import dev.depot.web.ReleasePages;
import dev.depot.web.SignInPages;
import dev.depot.web.StatsPages;
import dev.depot.web.WebPages;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every service with its dependencies and serves HTTP. */
public final class DepotServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DepotServer.class);
    /** A temporary file untouched this long belongs to no running request. */
    private static final Duration TEMPORARY_FILE_AGE = Duration.ofHours(1);

    private final Depot depot;
    private final Javalin app;
    private final Scheduler scheduler;
    private final JobWorker worker;
    private final List<RouteTable.Route> routes;
    private final String publicUrl;

    private DepotServer(Depot depot, Javalin app, Scheduler scheduler, JobWorker worker, List<RouteTable.Route> routes,
                        String publicUrl) {
        this.depot = depot;
        this.worker = worker;
        this.app = app;
        this.scheduler = scheduler;
        this.routes = routes;
        this.publicUrl = publicUrl;
    }

    public static DepotServer start(Settings settings, Clock clock) throws IOException {
        requirePublicUrlWhenShared(settings);
        Depot depot = Depot.open(settings, clock);
        try {
            return start(depot, settings);
        } catch (RuntimeException | IOException e) {
            depot.close();
            throw e;
        }
    }

    /**
     * On PostgreSQL or S3 Depot may run as several nodes, and each would write its own address into
     * F-Droid indexes, feed packages and download links: those must name the one address clients
     * use, so a shared deployment does not start without it.
     */
    static void requirePublicUrlWhenShared(Settings settings) {
        if (!settings.get(Setting.PUBLIC_URL).isBlank()) {
            return;
        }
        boolean postgres = Dialect.of(settings.databaseUrl()) == Dialect.POSTGRESQL;
        boolean s3 = settings.storage().kind() == StorageSettings.Kind.S3;
        if (postgres || s3) {
            throw new ConfigException("public.url is required when Depot runs on " + (postgres ? "PostgreSQL" : "S3")
                    + ": several nodes may serve the same data, and every link and index they write must name the one address "
                    + "clients use (the load balancer's). Set public.url (DEPOT_PUBLIC_URL), e.g. https://depot.example.org");
        }
    }

    private static DepotServer start(Depot depot, Settings settings) throws IOException {
        PrometheusMeterRegistry metrics = depot.metrics();
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        ClientAddress clients = new ClientAddress(settings.get(Setting.TRUSTED_PROXIES));
        RequestMetrics requestMetrics = new RequestMetrics(metrics, clients);

        Links links = new Links(depot.publicUrl());
        DownloadCounter counter = depot.downloads();
        Authenticator authenticator = new Authenticator(depot.auth());
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        RouteTable table = new RouteTable(Envelope.SURFACE);

        ShipperPublicRoutes shipper = new ShipperPublicRoutes(depot.ota(), depot.releases().roms(),
                depot.releases().service()::changes, depot.auth(), counter, links, clients, Depot.VERSION,
                settings.downloads().updaterCacheTtl());

        Javalin app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, true));
            cfg.router.ignoreTrailingSlashes = true;
            cfg.router.treatMultipleSlashesAsSingleSlash = true;
            cfg.http.maxRequestSize = 1 << 20;
            cfg.jetty.multipartConfig.cacheDirectory(depot.stagingDir().resolve("multipart").toString());
            // Applivery-style uploads carry a whole build in one part; Jetty spills parts over 2 MB to disk.
            long maxUpload = settings.uploads().maxBytes();
            cfg.jetty.multipartConfig.maxFileSize(maxUpload, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(2, SizeUnit.MB);
            cfg.jetty.multipartConfig.maxTotalRequestSize(maxUpload + (1 << 20), SizeUnit.BYTES);
            cfg.requestLogger.http(requestMetrics::record);
            // the update checks of devices without releases, answered from kept bytes before any routing
            cfg.jetty.modifyServer(server -> server.setHandler(
                    new KeptAnswers(shipper.keptUpdaterAnswers(), requestMetrics, metrics)));
            // one selector per core (Jetty's default is one per two): on 2 cores the update check
            // went from about 57k to 69k req/s
            int selectors = Math.max(1, Runtime.getRuntime().availableProcessors());
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                return connector;
            });
            // no response is ever sniffed into another type (an APK into HTML, say)
            cfg.routes.before(ctx -> ctx.header("X-Content-Type-Options", "nosniff"));
            cfg.routes.beforeMatched(authenticator::check);
            // a change answered is signed: once a client hears it took effect, every node's TUF metadata says so;
            cfg.routes.after(ctx -> {
                if (ctx.method() != io.javalin.http.HandlerType.GET && ctx.method() != io.javalin.http.HandlerType.HEAD) {
                    depot.tuf().refresher().awaitOwn(Duration.ofSeconds(5));
                    depot.prebuild().awaitOwn(Duration.ofSeconds(20)); // and its repositories' indexes are made
                }
            });
            PageRenderer pages = new PageRenderer(authenticator);
            ErrorMapping.install(cfg.routes, table);
            Routes routes = new Routes(cfg.routes, table);
            new OpsRoutes(depot.database(), depot.blobs(), metrics, depot.releases().metrics()::refresh, depot.tuf().service())
                    .register(routes);
            shipper.register(routes);
            new ShipperAccountRoutes(depot.auth(), depot.ota(), clients).register(routes);
            new ShipperUploadRoutes(depot.intake(), links).register(routes);
            new NativeAdminRoutes(depot.auth(), depot.ota(), counter, links)
                    .withFeedDownloads(() -> depot.feed().receipts().downloadsSince(null)).register(routes);
            DownloadSettings downloads = settings.downloads();
            BlobResponder responder = new BlobResponder(depot.blobs(), downloads.bufferBytes(),
                    downloads.redirect().redirects(!(depot.blobs() instanceof FileSystemBlobStore)), downloads.linkTtl());
            new DownloadRoutes(depot.ota(), responder, counter, settings.downloads().updaterCacheTtl()).register(routes);
            new DdiRoutes(depot.releases().ddi(), responder, counter, links, settings.getDuration(Setting.DDI_POLLING))
                    .register(routes);
            new CatalogRoutes(depot.catalog(), depot.auth(), counter).register(routes);
            new ReleaseRoutes(depot.releases(), depot.repositories(), links, clients).register(routes);
            new DeliveryRoutes(depot.delivery(), responder, links, depot.clock()).register(routes);
            new IntegrationRoutes(depot.intake(), depot.catalog(), counter).register(routes);
            new TusRoutes(depot.intake(), links).register(routes);
            new WebPages(depot.ota(), depot.delivery(), depot.repositories(), depot.fdroid(), links, pages).register(routes);
            new Dashboard(depot.ota(), depot.catalog(), pages).register(routes);
            new ReleasePages(depot.releases().service(), depot.ota(), depot.catalog(), pages).register(routes);
            new AdminPages(depot.auth(), depot.ota(), depot.catalog(), depot.repositories(),
                    depot.feed().receipts(), depot.tuf().service(), pages, links).register(routes);
            new StatsPages(depot.ota(), depot.catalog(), counter, pages).register(routes);
            new SignInPages(depot.auth(), pages, links, settings.getDuration(Setting.SESSION_TTL), clients).register(routes);
            new RepositoryRoutes(depot.repositories(), depot.fdroid(), responder, counter, links, clients, depot.documents(),
                    depot.prebuild()).register(routes);
            new AptoideRoutes(depot.repositories()).register(routes);
            new FdroidRoutes(depot.repositories(), depot.fdroid(), responder, counter).register(routes);
            new FeedRoutes(depot.feed(), responder, depot.clock()).register(routes);
            new SampleRoutes(depot.samples()).register(routes);
            new TufRoutes(depot.tuf(), depot.tuf().targets(), responder, counter).register(routes);
            routes.get("/openapi.json", Access.PUBLIC, ctx -> ctx.json(
                    OpenApiDocument.build(table.routes(), links.base(), Depot.VERSION)));
            routes.headsOfGets();
        });
        Files.createDirectories(depot.stagingDir().resolve("multipart"));
        depot.nodes().join();
        TemporaryFiles temporary = new TemporaryFiles(List.of(depot.stagingDir().resolve("multipart"),
                depot.stagingDir().resolve("samples"), settings.dataDir().resolve("blobs").resolve(".tmp"),
                settings.dataDir().resolve("tmp")));
        // Before this server takes a request, every temporary file is a leftover, unless another live
        // process works in the same data directory: then only the untouched ones are.
        long leftBefore = depot.clock().millis() - (depot.nodes().sharesDataDirectory() ? TEMPORARY_FILE_AGE.toMillis() : 0);
        int swept = temporary.sweep(leftBefore) + depot.uploads().sweep(leftBefore);
        if (swept > 0) {
            log.info("removed {} temporary file(s) that interrupted requests left", swept);
        }
        app.start(settings.host(), settings.port());
        depot.publicUrl().boundTo(app.port());

        Scheduler scheduler = new Scheduler(depot.database().jdbi(), depot.clock(), depot.node());
        scheduler.every("seal-and-expire-feed-packages", Duration.ofMinutes(1), () -> {
            depot.feed().packages().packageFor(FeedPackageName.lastClosed(depot.clock().millis()));
            int n = depot.feed().receipts().removeExpired();
            if (n > 0) {
                log.info("removed {} expired feed window(s)", n);
            }
        });
        scheduler.every("remove-expired-uploads", settings.uploads().cleanupInterval(), () -> {
            int n = depot.uploads().removeExpired();
            if (n > 0) {
                log.info("removed {} expired upload session(s)", n);
            }
        });
        scheduler.every("remove-temporary-files", Duration.ofMinutes(15), () -> {
            long before = depot.clock().millis() - TEMPORARY_FILE_AGE.toMillis();
            int n = temporary.sweep(before) + depot.uploads().sweep(before);
            if (n > 0) {
                log.info("removed {} temporary file(s) untouched for {}", n, TEMPORARY_FILE_AGE);
            }
        });
        scheduler.every("delete-unheld-blobs", Duration.ofMinutes(10), () -> {
            int n = depot.holds().sweep();
            if (n > 0) {
                log.info("deleted {} stored blob(s) nothing holds", n);
            }
        });
        scheduler.every("complete-interrupted-uploads", Duration.ofMinutes(1), () -> depot.intake().completeInterrupted("tus"));
        Thread.ofVirtual().name("complete-interrupted-uploads").start(() -> {
            try {
                depot.intake().completeInterrupted("tus");
            } catch (RuntimeException e) {
                log.warn("could not complete the uploads a crash interrupted: {}", e.toString());
            }
        });
        Duration reportRetention = settings.getDuration(Setting.REPORT_RETENTION);
        scheduler.every("expire-installation-reports", Duration.ofHours(1), () -> {
            int n = depot.releases().installations().expireReports(reportRetention);
            if (n > 0) {
                log.info("removed {} installation report(s) older than {}", n, reportRetention);
            }
        });
        scheduler.every("remove-ended-web-sessions", Duration.ofHours(1), () -> {
            int n = depot.auth().removeEndedSessions();
            if (n > 0) {
                log.info("removed {} ended web session(s)", n);
            }
        });
        // what a crash between a change and its signing left, and what neared expiry while no node ran
        depot.tuf().refresher().request();
        // F-Droid's files of every repository, so the first request after a start or another node's change waits for none
        depot.fdroid().keepAllMade();
        scheduler.every("sign-tuf-metadata", settings.getDuration(Setting.TUF_CHECK_INTERVAL), () -> {
            TufService.Refresh r = depot.tuf().service().refresh();
            if (r.changed()) {
                log.info("TUF metadata signed again: {}", String.join(", ", r.signed()));
            }
        });
        String url = settings.publicUrl(app.port());
        log.info("Depot {} serving on {} (data: {}, database: {})", Depot.VERSION, url, settings.dataDir(),
                depot.database().dialect().name().toLowerCase());
        JobWorker worker = depot.startJobWorker();
        return new DepotServer(depot, app, scheduler, worker, table.routes(), url);
    }

    public int port() { return app.port(); }

    public String publicUrl() { return publicUrl; }

    public Depot depot() { return depot; }

    /** Every route with the access it declares. */
    public List<RouteTable.Route> routes() { return routes; }

    @Override
    public void close() {
        scheduler.close();
        app.stop();
        worker.close();
        depot.close();
    }
}
