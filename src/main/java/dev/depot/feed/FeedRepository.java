package dev.depot.feed;

import dev.depot.db.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for the feed's tables: {@code feed_receipts}, {@code feed_windows} and {@code feed_downloads}. */
public final class FeedRepository {
    private static final String RECEIPT = """
            SELECT sha256, window_start, received_at, size, md5, sha1, package_name, version_code, version_name
            FROM feed_receipts
            """;

    private final Jdbi jdbi;
    private final Dialect dialect;

    public FeedRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    /** A sealed window's stored package. */
    record Sealed(String sha256, int samples) {}

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    boolean received(Handle h, String sha256) {
        return h.createQuery("SELECT COUNT(*) FROM feed_receipts WHERE sha256 = :sha256").bind("sha256", sha256)
                .mapTo(Integer.class).one() > 0;
    }

    /** Locks the window's row (creating it) until the transaction ends, and says whether it is sealed. */
    boolean lockWindow(Handle h, long window) {
        h.createUpdate("INSERT INTO feed_windows (window_start) VALUES (:window) ON CONFLICT DO NOTHING")
                .bind("window", window).execute();
        return h.createQuery("SELECT sealed FROM feed_windows WHERE window_start = :window" + dialect.rowLock())
                .bind("window", window).mapTo(Boolean.class).one();
    }

    boolean insertReceipt(Handle h, FeedReceipt r) {
        return h.createUpdate("""
                        INSERT INTO feed_receipts (sha256, window_start, received_at, size, md5, sha1, package_name,
                            version_code, version_name)
                        VALUES (:sha256, :window, :receivedAt, :size, :md5, :sha1, :packageName, :versionCode, :versionName)
                        ON CONFLICT DO NOTHING""")
                .bind("sha256", r.sha256()).bind("window", r.windowStart()).bind("receivedAt", r.receivedAt())
                .bind("size", r.size()).bind("md5", r.md5()).bind("sha1", r.sha1()).bind("packageName", r.packageName())
                .bind("versionCode", r.versionCode()).bind("versionName", r.versionName()).execute() > 0;
    }

    /** Fills in what the receipt did not know yet; known fields stay. */
    void describe(String sha256, String sha1, String packageName, Long versionCode, String versionName) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE feed_receipts SET sha1 = COALESCE(sha1, :sha1), package_name = COALESCE(package_name, :packageName),
                            version_code = COALESCE(version_code, :versionCode), version_name = COALESCE(version_name, :versionName)
                        WHERE sha256 = :sha256""")
                .bind("sha1", sha1).bind("packageName", packageName).bind("versionCode", versionCode)
                .bind("versionName", versionName).bind("sha256", sha256).execute());
    }

    Optional<FeedReceipt> receipt(String sha256) {
        return jdbi.withHandle(h -> h.createQuery(RECEIPT + "WHERE sha256 = :sha256").bind("sha256", sha256)
                .map(FeedRepository::mapReceipt).findOne());
    }

    /** A window's receipts in the package's order: received time, then SHA-256. */
    List<FeedReceipt> receiptsOfWindow(Handle h, long window) {
        return h.createQuery(RECEIPT + "WHERE window_start = :window ORDER BY received_at, sha256")
                .bind("window", window).map(FeedRepository::mapReceipt).list();
    }

    List<FeedReceipt> receiptsBetween(long from, long to) {
        return jdbi.withHandle(h -> h.createQuery(RECEIPT + """
                        WHERE window_start >= :from AND window_start < :to ORDER BY window_start, received_at, sha256""")
                .bind("from", from).bind("to", to).map(FeedRepository::mapReceipt).list());
    }

    Optional<Sealed> sealed(long window) {
        return jdbi.withHandle(h -> sealed(h, window));
    }

    Optional<Sealed> sealed(Handle h, long window) {
        return h.createQuery("SELECT package_sha256, samples FROM feed_windows WHERE window_start = :window AND sealed = TRUE")
                .bind("window", window).map((rs, ctx) -> new Sealed(rs.getString(1), rs.getInt(2))).findOne();
    }

    void seal(Handle h, long window, String sha256, long size, int samples, long now) {
        h.createUpdate("""
                        UPDATE feed_windows SET sealed = TRUE, package_sha256 = :sha256, package_size = :size, samples = :samples,
                            sealed_at = :now
                        WHERE window_start = :window""")
                .bind("sha256", sha256).bind("size", size).bind("samples", samples).bind("now", now).bind("window", window)
                .execute();
    }

    /** Receipt counts of the windows from {@code first} to {@code last}, both included, fed to {@code into}. */
    void receiptCounts(long first, long last, BiConsumer<Long, Integer> into) {
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT window_start, COUNT(*) FROM feed_receipts WHERE window_start >= :first AND window_start <= :last
                        GROUP BY window_start""")
                .bind("first", first).bind("last", last).map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                .forEach(e -> into.accept(e.getKey(), e.getValue())));
    }

    List<Long> windowsBefore(Handle h, long cutoff) {
        return h.createQuery("SELECT window_start FROM feed_windows WHERE window_start < :cutoff").bind("cutoff", cutoff)
                .mapTo(Long.class).list();
    }

    List<Long> receiptWindowsBefore(Handle h, long cutoff) {
        return h.createQuery("SELECT DISTINCT window_start FROM feed_receipts WHERE window_start < :cutoff")
                .bind("cutoff", cutoff).mapTo(Long.class).list();
    }

    void deleteReceiptsBefore(Handle h, long cutoff) {
        h.createUpdate("DELETE FROM feed_receipts WHERE window_start < :cutoff").bind("cutoff", cutoff).execute();
    }

    int deleteWindowsBefore(Handle h, long cutoff) {
        return h.createUpdate("DELETE FROM feed_windows WHERE window_start < :cutoff").bind("cutoff", cutoff).execute();
    }

    void countDownload(String sha256, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO feed_downloads (sha256, occurred_at) VALUES (:sha256, :now)")
                .bind("sha256", sha256).bind("now", now).execute());
    }

    long downloadsSince(long since) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM feed_downloads WHERE occurred_at >= :since")
                .bind("since", since).mapTo(Long.class).one());
    }

    private static FeedReceipt mapReceipt(ResultSet rs, StatementContext ctx) throws SQLException {
        long vc = rs.getLong("version_code");
        Long versionCode = rs.wasNull() ? null : vc;
        return new FeedReceipt(rs.getString("sha256"), rs.getLong("window_start"), rs.getLong("received_at"), rs.getLong("size"),
                rs.getString("md5"), rs.getString("sha1"), rs.getString("package_name"), versionCode, rs.getString("version_name"));
    }
}
