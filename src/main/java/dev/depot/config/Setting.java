package dev.depot.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration key Depot reads, with its default and meaning. {@code docs/configuration.md}
 * documents exactly these (a test keeps the two in step).
 */
public enum Setting {
    HOST("host", "127.0.0.1", "Address the HTTP server binds to."),
    PORT("port", "8080", "TCP port of the HTTP server; 0 picks a free port."),
    TRUSTED_PROXIES("http.trusted-proxies", "", "Addresses of reverse proxies (comma-separated) whose X-Forwarded-For names the client, for login throttling and the access log. Empty: the connection's own address."),
    DATA("data", "./depot-data", "Data directory: the SQLite database, blobs and upload staging."),
    DATABASE_URL("database.url", "", "JDBC URL. Empty means SQLite at <data>/depot.db; jdbc:postgresql:... selects PostgreSQL."),
    DATABASE_USERNAME("database.username", "", "Database user (PostgreSQL)."),
    DATABASE_PASSWORD("database.password", "", "Database password (PostgreSQL). Never logged."),
    DATABASE_POOL_SIZE("database.pool-size", "10", "Maximum number of pooled database connections."),
    DATABASE_TIMEOUT("database.timeout", "10s", "Longest a request waits for a database connection, and for PostgreSQL to answer a statement; a database that does not answer in time makes the request answer 503."),
    PUBLIC_URL("public.url", "", "Base URL clients reach Depot at, used in download links, F-Droid indexes and feed packages. Empty means http://<host>:<port>; required on PostgreSQL or S3, where several nodes must write the same address."),
    STORAGE("storage", "filesystem", "Where blobs live: filesystem (under <data>/blobs) or s3."),
    S3_ENDPOINT("s3.endpoint", "", "S3 endpoint URL (MinIO, Ceph, R2, ...); empty for AWS."),
    S3_REGION("s3.region", "us-east-1", "S3 region."),
    S3_BUCKET("s3.bucket", "", "S3 bucket (must exist)."),
    S3_PREFIX("s3.prefix", "depot/", "Key prefix inside the bucket."),
    S3_PATH_STYLE("s3.path-style", "true", "Path-style addressing (needed by MinIO and S3Proxy; AWS accepts either)."),
    S3_ACCESS_KEY("s3.access-key", "", "S3 access key; empty uses the standard AWS credential chain."),
    S3_SECRET_KEY("s3.secret-key", "", "S3 secret key. Never logged."),
    STORAGE_TIMEOUT("storage.timeout", "5s", "Longest a call to the object store may wait for an answer, or a transfer for its next bytes (a body may also take its size at 1 MiB/s); a store that does not answer in time makes the request answer 503."),
    DOWNLOAD_REDIRECT("download.redirect", "auto", "Send downloads to presigned storage URLs with a 302 (true), stream them through Depot (false), or redirect when the storage offers presigned URLs (auto: yes on S3)."),
    UPLOAD_MAX_BYTES("upload.max-bytes", "5000000000", "Largest file an upload may declare, in bytes."),
    UPLOAD_EXPIRY("upload.expiry", "24h", "How long an unfinished upload session lives before it is removed with its bytes."),
    UPLOAD_CHECKPOINT_BYTES("upload.checkpoint-bytes", "8388608", "While one long request body arrives (a tus PATCH of a whole file), its offset is recorded after every this many bytes, so a resume after a crash loses at most this much."),
    UPLOAD_CLEANUP_INTERVAL("upload.cleanup-interval", "10m", "How often expired upload sessions are removed."),
    LOGIN_TOKEN_TTL("auth.login-token-ttl", "30d", "Lifetime of tokens handed out by the shipper login endpoint."),
    LOGIN_MAX_FAILURES("auth.login-max-failures", "10", "Failed logins allowed per username and client address together within auth.login-window; a username (from any address) and an address (on any username) are held back at ten times this."),
    SESSION_TTL("web.session-ttl", "12h", "How long a web sign-in lasts; signing out ends it at once."),
    LOGIN_WINDOW("auth.login-window", "15m", "Window over which failed logins are counted for throttling."),
    UPDATER_MAX_BUILDS("updater.max-builds", "50", "Most builds an update check lists (per device, variant and x86 type), newest first; older published builds stay downloadable, on the device's page and in the native API."),
    UPDATER_CACHE_TTL("updater.cache-ttl", "1s", "How long a rendered update-check answer is reused; this node's changes drop it at once, other nodes' and the CLI's show within this time. 0 disables."),
    DOWNLOAD_COUNT_FLUSH("download.count-flush", "1s", "How often counted downloads are written to the database in one batch; a crash loses at most this much."),
    DOWNLOAD_BUFFER_BYTES("download.buffer-bytes", "262144", "Size of the buffer used to stream downloads."),
    DOWNLOAD_TOKEN_TTL("download.token-ttl", "1h", "Lifetime of download tokens (Applivery's downloadToken)."),
    DOWNLOAD_LINK_TTL("download.link-ttl", "15m", "Lifetime of the signed file links a download token redirects to."),
    SIGNING_KEY("signing.key", "", "Secret (at least 32 characters) that signs download tokens and links. Empty: one is generated once and kept in the database, shared by every node. Never logged."),
    REPOSITORY_KEEP_REVISIONS("repository.keep-revisions", "100000", "Revisions (with their changes) kept per repository; a client holding an older state hash gets the whole index."),
    JOBS_CONCURRENCY("jobs.concurrency", "2", "How many background jobs (build inspection) run at once on this node."),
    REPORT_RETENTION("releases.report-retention", "30d", "How long each installation's reports are kept; the funnel and failures of each release, counted as reports arrive, are kept always."),
    REPORTS_PER_MINUTE("releases.reports-per-minute", "60", "Reports one installation may send per minute (on each node); more are answered 429."),
    DDI_POLLING("ddi.polling", "5m", "How often devices speaking hawkBit's DDI API are told to poll (config.polling.sleep); at most 24h."),
    TUF_KEY_SECRET("tuf.key-secret", "", "Secret (at least 16 characters) that seals the TUF repository's online private keys in the database; needed to make or sign TUF metadata. Never logged."),
    TUF_KEY_TYPE("tuf.key-type", "ed25519", "Kind of key made for TUF's online roles: ed25519 or ecdsa (P-256)."),
    TUF_EXPIRY_ROOT("tuf.expiry.root", "365d", "How long a TUF root version is valid when made."),
    TUF_EXPIRY_TARGETS("tuf.expiry.targets", "30d", "How long TUF targets metadata (and each delegated role's) is valid when signed."),
    TUF_EXPIRY_SNAPSHOT("tuf.expiry.snapshot", "7d", "How long TUF snapshot metadata is valid when signed."),
    TUF_EXPIRY_TIMESTAMP("tuf.expiry.timestamp", "1d", "How long TUF timestamp metadata is valid when signed; it is signed again when half of that is left."),
    TUF_CHECK_INTERVAL("tuf.check-interval", "1m", "How often one node checks that TUF metadata matches what is published and signs again what nears expiry."),
    INSPECT_TIME_LIMIT("inspect.time-limit", "2m", "Longest a single build inspection may take before the build is marked as an error.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() { return key; }

    public String defaultValue() { return defaultValue; }

    public String description() { return description; }

    /** The environment variable for this key: {@code database.pool-size} is {@code DEPOT_DATABASE_POOL_SIZE}. */
    public String environmentVariable() {
        return "DEPOT_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }
}
