package dev.depot.server;

import dev.depot.auth.AuthService;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.db.Database;
import dev.depot.delivery.DownloadCounter;
import dev.depot.ota.OtaService;
import dev.depot.storage.BlobStore;
import dev.depot.storage.FileSystemBlobStore;
import dev.depot.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

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
    private final OtaService ota;
    private final UploadService uploads;
    private final DownloadCounter downloads;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Depot(Settings settings, Database database, BlobStore blobs, Clock clock) {
        this.settings = settings;
        this.database = database;
        this.blobs = blobs;
        this.auth = new AuthService(database.jdbi(), clock, settings.getDuration(Setting.LOGIN_TOKEN_TTL),
                settings.getInt(Setting.LOGIN_MAX_FAILURES), settings.getDuration(Setting.LOGIN_WINDOW));
        this.ota = new OtaService(database.jdbi(), auth, clock);
        this.uploads = new UploadService(database.jdbi(), blobs, stagingDir(), clock,
                settings.getLong(Setting.UPLOAD_MAX_BYTES), settings.getDuration(Setting.UPLOAD_EXPIRY), metrics);
        this.downloads = new DownloadCounter(database.jdbi(), clock);
    }

    public static Depot open(Settings settings, Clock clock) throws IOException {
        Database database = Database.open(settings.databaseUrl(), settings.get(Setting.DATABASE_USERNAME),
                settings.get(Setting.DATABASE_PASSWORD), settings.getInt(Setting.DATABASE_POOL_SIZE));
        try {
            BlobStore blobs = new FileSystemBlobStore(settings.dataDir().resolve("blobs"));
            return new Depot(settings, database, blobs, clock);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    Path stagingDir() {
        return settings.dataDir().resolve("uploads");
    }

    public Database database() { return database; }

    public BlobStore blobs() { return blobs; }

    public AuthService auth() { return auth; }

    public OtaService ota() { return ota; }

    public UploadService uploads() { return uploads; }

    public DownloadCounter downloads() { return downloads; }

    public PrometheusMeterRegistry metrics() { return metrics; }

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
        database.close();
    }
}
