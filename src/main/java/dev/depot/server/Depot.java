package dev.depot.server;

import dev.depot.auth.AuthService;
import dev.depot.auth.TokenRepository;
import dev.depot.auth.UserRepository;
import dev.depot.builds.BuildRepository;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.AppBuildEvent;
import dev.depot.catalog.AppBuildEvents;
import dev.depot.catalog.AppBuildService;
import dev.depot.catalog.AppRepository;
import dev.depot.catalog.AppService;
import dev.depot.catalog.BuildInspectionJob;
import dev.depot.catalog.BuildKind;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.OrganizationRepository;
import dev.depot.catalog.OrganizationService;
import dev.depot.cluster.NodeRegistry;
import dev.depot.config.ConfigException;
import dev.depot.core.Prebuild;
import dev.depot.config.PublicUrl;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.config.StorageSettings;
import dev.depot.db.Database;
import dev.depot.db.ServerSettings;
import dev.depot.delivery.DeliveryService;
import dev.depot.delivery.DownloadCounter;
import dev.depot.delivery.DownloadRepository;
import dev.depot.delivery.LinkSigner;
import dev.depot.feed.Feed;
import dev.depot.feed.FeedLinks;
import dev.depot.feed.FeedPackages;
import dev.depot.feed.FeedReceipts;
import dev.depot.feed.FeedRepository;
import dev.depot.feed.SampleIntake;
import dev.depot.inspect.TimeLimit;
import dev.depot.intake.BuildIntake;
import dev.depot.jobs.JobQueue;
import dev.depot.jobs.JobWorker;
import dev.depot.ota.BuildNameRules;
import dev.depot.ota.DeviceRepository;
import dev.depot.ota.DeviceService;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaChanges;
import dev.depot.ota.OtaInspectionJob;
import dev.depot.ota.RomBuildRepository;
import dev.depot.ota.RomBuildService;
import dev.depot.release.AppOffers;
import dev.depot.release.DdiControllers;
import dev.depot.release.InstallationRepository;
import dev.depot.release.Installations;
import dev.depot.release.ReleaseChanges;
import dev.depot.release.ReleaseMetrics;
import dev.depot.release.ReleaseRepository;
import dev.depot.release.ReleaseService;
import dev.depot.release.Releases;
import dev.depot.release.RomOffers;
import dev.depot.repository.FdroidExport;
import dev.depot.repository.FdroidSnapshotRepository;
import dev.depot.repository.RepositoryService;
import dev.depot.repository.RepositoryTables;
import dev.depot.storage.BlobHoldRepository;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobStore;
import dev.depot.storage.DocumentFiles;
import dev.depot.storage.FileSystemBlobStore;
import dev.depot.storage.S3BlobStore;
import dev.depot.storage.ScratchStore;
import dev.depot.tuf.Tuf;
import dev.depot.tuf.TufKey;
import dev.depot.tuf.TufMetrics;
import dev.depot.tuf.TufRefresher;
import dev.depot.tuf.TufRepository;
import dev.depot.tuf.TufService;
import dev.depot.tuf.TufTargets;
import dev.depot.upload.UploadRepository;
import dev.depot.upload.UploadService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Depot's services over one data directory and database, without HTTP. The server serves them;
 * the CLI's admin commands use them directly, which is safe while a server runs on the same data.
 */
public final class Depot implements AutoCloseable {
    public static final String VERSION = readVersion();

    private final Settings settings;
    private final Database database;
    private final BlobStore blobs;
    private final AuthService auth;
    private final Ota ota;
    private final BuildRepository builds;
    private final UploadService uploads;
    private final DownloadCounter downloads;
    private final JobQueue jobs;
    private final Catalog catalog;
    private final BlobHolds holds;
    private final DeliveryService delivery;
    private final RepositoryService repositories;
    private final FdroidExport fdroid;
    private final DocumentFiles documents;
    private final Prebuild prebuild = new Prebuild();
    private final Feed feed;
    private final SampleIntake samples;
    private final PublicUrl publicUrl;
    private final Clock clock;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeRegistry nodes;
    private final BuildIntake intake;
    private final Releases releases;
    private final Tuf tuf;

    private Depot(Settings settings, Database database, BlobStore blobs, Clock clock) {
        this.settings = settings;
        this.database = database;
        this.blobs = blobs;
        this.auth = new AuthService(new UserRepository(database.jdbi()), new TokenRepository(database.jdbi()), clock, settings.getDuration(Setting.LOGIN_TOKEN_TTL),
                settings.getInt(Setting.LOGIN_MAX_FAILURES), settings.getDuration(Setting.LOGIN_WINDOW));
        this.nodes = new NodeRegistry(database.jdbi(), clock, NodeRegistry.Identity.ofThisProcess(), settings.dataDir());
        this.publicUrl = new PublicUrl(settings);
        this.holds = new BlobHolds(new BlobHoldRepository(database.jdbi(), database.dialect()), blobs, clock);
        this.uploads = new UploadService(new UploadRepository(database.jdbi()), blobs, holds,
                blobs instanceof ScratchStore shared ? shared : null, stagingDir(), clock,
                settings.uploads(), nodes, metrics);
        this.downloads = new DownloadCounter(new DownloadRepository(database.jdbi()), clock, settings.downloads().countFlush(), metrics);
        this.jobs = new JobQueue(database.jdbi(), database.dialect(), clock);
        this.builds = new BuildRepository(database.jdbi(), database.dialect());
        OtaChanges otaChanges = new OtaChanges();
        DeviceService devices = new DeviceService(new DeviceRepository(database.jdbi()), auth, otaChanges, clock);
        RomBuildRepository romBuilds = new RomBuildRepository(database.jdbi());
        BuildNameRules buildNames = new BuildNameRules(devices, romBuilds, new ServerSettings(database.jdbi()));
        this.ota = new Ota(devices, buildNames,
                new RomBuildService(romBuilds, builds, holds, devices, buildNames, jobs, otaChanges, clock,
                        settings.getInt(Setting.UPDATER_MAX_BUILDS)));
        this.catalog = catalog(database, builds, holds, jobs, auth, clock);
        this.intake = new BuildIntake(uploads, catalog, ota, auth);
        this.clock = clock;
        ReleaseChanges releaseChanges = new ReleaseChanges();
        this.releases = releases(database, devices, ota, catalog, otaChanges, releaseChanges, builds, blobs, settings, metrics, clock);
        this.repositories = new RepositoryService(new RepositoryTables(database.jdbi(), database.dialect()), catalog,
                releases.apps(), clock,
                settings.getLong(Setting.REPOSITORY_KEEP_REVISIONS));
        this.documents = new DocumentFiles(settings.dataDir().resolve("documents"));
        this.fdroid = new FdroidExport(repositories, new FdroidSnapshotRepository(database.jdbi()), blobs, holds,
                new ServerSettings(database.jdbi()),
                settings.dataDir().resolve("keys"), publicUrl, documents, prebuild);
        LinkSigner signer = LinkSigner.create(settings.get(Setting.SIGNING_KEY), new ServerSettings(database.jdbi()), clock);
        this.signer = signer;
        this.feed = feed(database, blobs, holds, signer, publicUrl, catalog, clock);
        this.samples = new SampleIntake(blobs, feed.receipts(), stagingDir().resolve("samples"), settings.uploads().maxBytes(),
                new TimeLimit(settings.getDuration(Setting.INSPECT_TIME_LIMIT)));
        TufTargets tufTargets = new TufTargets(devices, ota.builds(), repositories, catalog.organizations(), releases.service());
        TufService tufService = new TufService(new TufRepository(database.jdbi(), database.dialect()), tufTargets,
                new TufService.Expiries(settings.getDuration(Setting.TUF_EXPIRY_ROOT), settings.getDuration(Setting.TUF_EXPIRY_TARGETS),
                        settings.getDuration(Setting.TUF_EXPIRY_SNAPSHOT), settings.getDuration(Setting.TUF_EXPIRY_TIMESTAMP)),
                settings.get(Setting.TUF_KEY_SECRET), tufKeyType(settings), clock);
        this.tuf = new Tuf(tufService, new TufRefresher(tufService), tufTargets);
        TufMetrics.register(metrics, tufService);
        otaChanges.onChange(tuf.refresher()::request);
        releaseChanges.onChange(tuf.refresher()::request);
        repositories.onRevision(repo -> tuf.refresher().request());
        this.delivery = new DeliveryService(catalog, signer, downloads, clock, settings.downloads().tokenTtl(),
                settings.downloads().linkTtl());
    }

    private static TufKey.Algorithm tufKeyType(Settings settings) {
        try {
            return TufKey.Algorithm.parse(settings.get(Setting.TUF_KEY_TYPE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tuf.key-type: " + e.getMessage());
        }
    }

    private static Catalog catalog(Database database, BuildRepository builds, BlobHolds holds, JobQueue jobs, AuthService auth,
                                   Clock clock) {
        AppBuildEvents events = new AppBuildEvents();
        OrganizationService organizations = new OrganizationService(new OrganizationRepository(database.jdbi()), auth, clock);
        AppRepository apps = new AppRepository(database.jdbi());
        AppService appService = new AppService(organizations, apps, builds, holds, events, clock);
        return new Catalog(organizations, appService,
                new AppBuildService(organizations, appService, apps, builds, holds, jobs, events, clock), events);
    }

    private static Releases releases(Database database, DeviceService devices, Ota ota, Catalog catalog, OtaChanges otaChanges,
                                     ReleaseChanges releaseChanges, BuildRepository builds, BlobStore blobs, Settings settings,
                                     MeterRegistry metrics, Clock clock) {
        ReleaseRepository repository = new ReleaseRepository(database.jdbi(), database.dialect());
        ReleaseService service = new ReleaseService(repository, devices, catalog.apps(), releaseChanges, otaChanges::count,
                settings.downloads().updaterCacheTtl(), clock);
        Installations installations = new Installations(new InstallationRepository(database.jdbi(), database.dialect()),
                repository, service, settings.getInt(Setting.REPORTS_PER_MINUTE), clock);
        return new Releases(service, installations, new RomOffers(service, installations, ota.builds(), settings.downloads().updaterCacheTtl()),
                new AppOffers(service, installations),
                new DdiControllers(service, installations, devices, ota.builds(), builds, blobs),
                new ReleaseMetrics(repository, metrics));
    }

    public static Depot open(Settings settings, Clock clock) throws IOException {
        Database database = Database.open(settings.databaseUrl(), settings.get(Setting.DATABASE_USERNAME),
                settings.get(Setting.DATABASE_PASSWORD), settings.getInt(Setting.DATABASE_POOL_SIZE),
                settings.getDuration(Setting.DATABASE_TIMEOUT));
        try {
            BlobStore blobs = openBlobStore(settings);
            return new Depot(settings, database, blobs, clock);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    static BlobStore openBlobStore(Settings settings) throws IOException {
        StorageSettings storage = settings.storage();
        if (storage.kind() == StorageSettings.Kind.FILESYSTEM) {
            return new FileSystemBlobStore(settings.dataDir().resolve("blobs"));
        }
        StorageSettings.S3 b = storage.s3();
        S3BlobStore s3 = new S3BlobStore(new S3BlobStore.Config(b.endpoint(), b.region(), b.bucket(), b.prefix(), b.pathStyle(),
                b.accessKey(), b.secretKey(), storage.timeout()), settings.dataDir().resolve("tmp"));
        try {
            s3.verifyAccess();
        } catch (UncheckedIOException e) {
            throw new ConfigException(e.getCause().getMessage());
        }
        return s3;
    }

    Path stagingDir() {
        return settings.dataDir().resolve("uploads");
    }

    public Database database() { return database; }

    public BlobStore blobs() { return blobs; }

    public AuthService auth() { return auth; }

    public Ota ota() { return ota; }

    public Releases releases() { return releases; }

    /** The TUF repository over every published build. */
    public Tuf tuf() { return tuf; }

    public UploadService uploads() { return uploads; }

    public DownloadCounter downloads() { return downloads; }

    public PrometheusMeterRegistry metrics() { return metrics; }

    /** This process among the nodes sharing the database: host name, process id and a random part. */
    public String node() { return nodes.nodeId(); }

    /** The servers sharing the database; a server joins it when it starts. */
    public NodeRegistry nodes() { return nodes; }

    public BuildIntake intake() { return intake; }

    public JobQueue jobs() { return jobs; }

    public Catalog catalog() { return catalog; }

    /** Who holds which stored bytes; the one place that deletes them. */
    public BlobHolds holds() { return holds; }

    public DeliveryService delivery() { return delivery; }

    public RepositoryService repositories() { return repositories; }

    public FdroidExport fdroid() { return fdroid; }

    /** Documents made ahead of their requests, kept on this node's disk. */
    public DocumentFiles documents() { return documents; }

    /** The one thread that makes documents ahead of their requests (indexes after a change, and at start). */
    public Prebuild prebuild() { return prebuild; }

    private final LinkSigner signer;

    /** The APK feed: every new APK app build enters it; its facts follow after inspection. */
    public Feed feed() { return feed; }

    /** The address clients reach this Depot at (the server says which port it bound). */
    public PublicUrl publicUrl() { return publicUrl; }

    private static Feed feed(Database database, BlobStore blobs, BlobHolds holds, LinkSigner signer, PublicUrl publicUrl,
                             Catalog catalog, Clock clock) {
        FeedRepository repository = new FeedRepository(database.jdbi(), database.dialect());
        FeedReceipts receipts = new FeedReceipts(repository, holds, clock);
        FeedLinks links = new FeedLinks(signer, publicUrl);
        catalog.events().subscribe(event -> {
            switch (event) {
                case AppBuildEvent.Added(AppBuild b) when b.kind() == BuildKind.APK ->
                        receipts.receive(b.sha256(), b.size(), b.md5(), b.sha1(), null, null, null);
                case AppBuildEvent.Processed(AppBuild b) when b.kind() == BuildKind.APK -> {
                    Object pkg = b.facts().get("packageName");
                    receipts.describe(b.sha256(), b.sha1(), pkg == null ? null : pkg.toString(), b.versionCode(), b.versionName());
                }
                default -> { }
            }
        });
        return new Feed(receipts, new FeedPackages(repository, blobs, holds, links, clock), links);
    }

    public SampleIntake samples() { return samples; }

    public Clock clock() { return clock; }

    public Settings settings() { return settings; }

    /** The background worker that inspects builds; only servers run one. */
    public JobWorker startJobWorker() {
        JobWorker worker = new JobWorker(jobs, Map.of(RomBuildService.INSPECT_JOB, new OtaInspectionJob(ota.builds(), blobs),
                AppBuildService.INSPECT_JOB,
                new BuildInspectionJob(catalog.builds(), catalog.apps(), blobs, settings.getDuration(Setting.INSPECT_TIME_LIMIT),
                        BuildInspectionJob.universalApkBuilder(new ServerSettings(database.jdbi()),
                                settings.dataDir().resolve("keys"), settings.getDuration(Setting.INSPECT_TIME_LIMIT)))),
                settings.getInt(Setting.JOBS_CONCURRENCY), 5, Duration.ofSeconds(5), metrics);
        jobs.onQueued(worker::wake);
        return worker.start();
    }

    private static String readVersion() {
        try (InputStream in = Depot.class.getResourceAsStream("/depot-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    @Override
    public void close() {
        tuf.refresher().close();
        prebuild.close();
        fdroid.close();
        documents.close();
        nodes.close();
        downloads.close();
        database.close();
    }
}
