package dev.depot.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.DepotException;
import dev.depot.db.Dialect;
import dev.depot.delivery.LinkSigner;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The APK sample feed (Koodous' contract). Every distinct APK enters once, in the 5-minute window
 * in which Depot first held all its bytes. A window is sealed once: its package is built from its
 * receipts in a fixed order (received time, then SHA-256), zipped with fixed entry metadata, and
 * stored, so every node serves the same bytes. Sealing and receiving lock the window's row, so a
 * receipt that would land in a window already sealed (a late commit, a node with a slow clock)
 * joins the next open window instead: a sealed package never changes and no APK is lost.
 */
public final class FeedService {
    public static final Duration AVAILABLE = Duration.ofDays(7);
    /** Links in a package stay valid a day longer than the package itself. */
    static final Duration LINK_LIFETIME = AVAILABLE.plusDays(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIXED_ZIP_TIME = 315532800000L; // 1980-01-01T00:00:00Z, the start of ZIP time

    private final Jdbi jdbi;
    private final String lock;
    private final BlobStore blobs;
    private final LinkSigner signer;
    private final Supplier<String> publicBase;
    private final BlobHolds holds;
    private final Clock clock;
    private final Map<String, Package> hourly = new ConcurrentHashMap<>();
    private final Map<String, Package> sealed = new ConcurrentHashMap<>();

    public FeedService(Jdbi jdbi, Dialect dialect, BlobStore blobs, BlobHolds holds, LinkSigner signer, Supplier<String> publicBase,
                       Clock clock) {
        this.jdbi = jdbi;
        this.lock = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
        this.blobs = blobs;
        this.holds = holds;
        this.signer = signer;
        this.publicBase = publicBase;
        this.clock = clock;
    }

    /** A built package: its bytes, their SHA-256 (the ETag) and how many samples it lists. */
    public record Package(byte[] zip, String sha256, int samples) {}

    /**
     * Records that Depot received an APK completely; does nothing when it was received before. The
     * receipt's window holds the APK's bytes until the receipt goes.
     *
     * @return true when this was the first receipt
     */
    public boolean receive(String sha256, long size, String md5, String sha1, String packageName, Long versionCode,
                           String versionName) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM feed_receipts WHERE sha256 = :s").bind("s", sha256)
                    .mapTo(Integer.class).one() > 0) {
                return false;
            }
            long window = FeedPackageName.windowOf(now);
            while (lockWindow(h, window)) {
                window += FeedPackageName.FIVE_MINUTES; // sealed already: the receipt joins the next window
            }
            long receivedAt = Math.max(now, window);
            holds.hold(h, sha256, "feed-sample:" + window);
            return h.createUpdate("INSERT INTO feed_receipts (sha256, window_start, received_at, size, md5, sha1, package_name, "
                            + "version_code, version_name) VALUES (:s, :w, :t, :n, :md5, :sha1, :p, :vc, :vn) ON CONFLICT DO NOTHING")
                    .bind("s", sha256).bind("w", window).bind("t", receivedAt).bind("n", size).bind("md5", md5)
                    .bind("sha1", sha1).bind("p", packageName).bind("vc", versionCode).bind("vn", versionName)
                    .execute() > 0;
        });
    }

    /** Adds what inspection learned about an APK already in the feed (these fields are not in the zip). */
    public void describe(String sha256, String sha1, String packageName, Long versionCode, String versionName) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE feed_receipts SET sha1 = COALESCE(sha1, :sha1), package_name = "
                        + "COALESCE(package_name, :p), version_code = COALESCE(version_code, :vc), version_name = "
                        + "COALESCE(version_name, :vn) WHERE sha256 = :s")
                .bind("sha1", sha1).bind("p", packageName).bind("vc", versionCode).bind("vn", versionName).bind("s", sha256)
                .execute());
    }

    /** Locks the window's row (creating it) and says whether it is sealed. */
    private boolean lockWindow(Handle h, long window) {
        h.createUpdate("INSERT INTO feed_windows (window_start) VALUES (:w) ON CONFLICT DO NOTHING").bind("w", window).execute();
        return h.createQuery("SELECT sealed FROM feed_windows WHERE window_start = :w" + lock).bind("w", window)
                .mapTo(Boolean.class).one();
    }

    /** The package named, building (and for 5-minute windows, sealing) what is needed. */
    public Package packageFor(FeedPackageName name) {
        long now = clock.millis();
        if (name.end() > now) {
            throw new DepotException.NotAvailable("not_closed", "The package " + name.text() + " is not closed yet.", Math.max(1, (name.end() - now + 999) / 1000));
        }
        if (now - name.end() >= AVAILABLE.toMillis()) {
            throw new DepotException.NotAvailable("expired", "The package " + name.text()
                    + " is older than a week and no longer available.", 0);
        }
        if (!name.hourly()) {
            return window(name.start());
        }
        String key = Long.toString(name.start());
        Package cached = hourly.get(key);
        if (cached != null) {
            return cached;
        }
        for (long w = name.start(); w < name.end(); w += FeedPackageName.FIVE_MINUTES) {
            window(w); // seal every window of the hour first
        }
        Package p = zip(receipts(name.start(), name.end()));
        if (hourly.size() > 256) {
            hourly.clear();
        }
        hourly.put(key, p);
        return p;
    }

    /** A 5-minute window's package: the stored one, or built and sealed now. */
    Package window(long start) {
        Optional<String[]> sealed = sealedPackage(start);
        if (sealed.isPresent()) {
            return load(sealed.get()[0], Integer.parseInt(sealed.get()[1]));
        }
        return jdbi.inTransaction(h -> {
            if (lockWindow(h, start)) { // sealed by another request or node meanwhile
                String[] row = h.createQuery("SELECT package_sha256, samples FROM feed_windows WHERE window_start = :w")
                        .bind("w", start).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).one();
                return load(row[0], Integer.parseInt(row[1]));
            }
            List<FeedReceipt> lines = h.createQuery("SELECT sha256, window_start, received_at, size, md5, sha1, package_name, "
                            + "version_code, version_name FROM feed_receipts WHERE window_start = :w ORDER BY received_at, sha256")
                    .bind("w", start).map(FeedService::mapReceipt).list();
            Package p = zip(lines);
            StoredBlob blob;
            try {
                blob = blobs.write(new ByteArrayInputStream(p.zip()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            holds.hold(h, blob.key().sha256(), "feed-package:" + start);
            h.createUpdate("UPDATE feed_windows SET sealed = TRUE, package_sha256 = :s, package_size = :n, samples = :c, "
                            + "sealed_at = :now WHERE window_start = :w")
                    .bind("s", blob.key().sha256()).bind("n", blob.size()).bind("c", p.samples()).bind("now", clock.millis())
                    .bind("w", start).execute();
            return p;
        });
    }

    private Optional<String[]> sealedPackage(long start) {
        return jdbi.withHandle(h -> h.createQuery("SELECT package_sha256, samples FROM feed_windows WHERE window_start = :w "
                        + "AND sealed = TRUE").bind("w", start)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne());
    }

    private Package load(String sha256, int samples) {
        // sealed packages never change: the recent ones stay in memory (analysts fetch each soon after it closes)
        Package known = sealed.get(sha256);
        if (known != null) {
            return known;
        }
        Package p = read(sha256, samples);
        if (sealed.size() >= 64) {
            sealed.clear();
        }
        sealed.put(sha256, p);
        return p;
    }

    private Package read(String sha256, int samples) {
        BlobKey key = new BlobKey(sha256);
        try {
            long size = blobs.size(key).orElseThrow(() -> new DepotException.NotFound("package_missing",
                    "The stored package is missing."));
            try (InputStream in = blobs.read(key, 0, size)) {
                return new Package(in.readAllBytes(), sha256, samples);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<FeedReceipt> receipts(long from, long to) {
        return jdbi.withHandle(h -> h.createQuery("SELECT sha256, window_start, received_at, size, md5, sha1, package_name, "
                        + "version_code, version_name FROM feed_receipts WHERE window_start >= :f AND window_start < :t "
                        + "ORDER BY window_start, received_at, sha256")
                .bind("f", from).bind("t", to).map(FeedService::mapReceipt).list());
    }

    /** The lines of a package: one {@code <sha256>;<signed download link>} per APK. */
    Package zip(List<FeedReceipt> receipts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, receipts.size() * 120));
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_SPEED); // fixed, like everything else that shapes the bytes
            ZipEntry e = new ZipEntry("samples");
            e.setTime(FIXED_ZIP_TIME);
            z.putNextEntry(e);
            StringBuilder line = new StringBuilder(256);
            for (FeedReceipt r : receipts) {
                line.setLength(0);
                line.append(r.sha256()).append(';').append(link(r)).append('\n');
                z.write(line.toString().getBytes(StandardCharsets.US_ASCII));
            }
            z.closeEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        byte[] bytes = out.toByteArray();
        return new Package(bytes, HexFormat.of().formatHex(sha256(bytes)), receipts.size());
    }

    /** The signed link of a sample; its expiry derives from its window, so every node writes the same link. */
    public String link(FeedReceipt r) {
        Instant expires = Instant.ofEpochMilli(r.windowStart() + FeedPackageName.FIVE_MINUTES).plus(LINK_LIFETIME);
        return publicBase.get() + "/feed/files/" + signer.sign("s." + r.sha256(), expires) + "/" + r.sha256() + ".apk";
    }

    /** The sample a signed link names (NotFound when forged, Gone when expired). */
    public String openLink(String signed) {
        String payload = signer.verify(signed);
        if (!payload.startsWith("s.") || !BlobKey.isValid(payload.substring(2))) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        return payload.substring(2);
    }

    public Optional<FeedReceipt> receipt(String sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT sha256, window_start, received_at, size, md5, sha1, package_name, "
                        + "version_code, version_name FROM feed_receipts WHERE sha256 = :s")
                .bind("s", sha256).map(FeedService::mapReceipt).findOne());
    }

    public void countDownload(String sha256) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO feed_downloads (sha256, occurred_at) VALUES (:s, :t)")
                .bind("s", sha256).bind("t", clock.millis()).execute());
    }

    public long downloadsSince(Duration period) {
        long since = period == null ? Long.MIN_VALUE : clock.millis() - period.toMillis();
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM feed_downloads WHERE occurred_at >= :s")
                .bind("s", since).mapTo(Long.class).one());
    }

    /** One JSON object per APK of the window(s), for {@code format=jsonl}. */
    public byte[] jsonLines(FeedPackageName name) {
        packageFor(name); // same availability rules, and the windows are sealed
        StringBuilder out = new StringBuilder();
        for (FeedReceipt r : receipts(name.start(), name.end())) {
            ObjectNode n = JSON.createObjectNode();
            n.put("sha256", r.sha256());
            n.put("md5", r.md5());
            n.put("sha1", r.sha1());
            n.put("package_name", r.packageName());
            if (r.versionCode() == null) {
                n.putNull("version_code");
            } else {
                n.put("version_code", r.versionCode());
            }
            n.put("version_name", r.versionName());
            n.put("size", r.size());
            n.put("received_at", Instant.ofEpochMilli(r.receivedAt()).toString());
            n.put("download_url", link(r));
            out.append(n).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sample counts of every 5-minute window still available, oldest first (windows without samples included). */
    public Map<Long, Integer> availableWindows() {
        long now = clock.millis();
        long last = FeedPackageName.lastClosed(now).start();
        long first = FeedPackageName.windowOf(now - AVAILABLE.toMillis()) + FeedPackageName.FIVE_MINUTES;
        Map<Long, Integer> counts = new TreeMap<>();
        for (long w = first; w <= last; w += FeedPackageName.FIVE_MINUTES) {
            counts.put(w, 0);
        }
        jdbi.useHandle(h -> h.createQuery("SELECT window_start, COUNT(*) FROM feed_receipts WHERE window_start >= :f AND "
                        + "window_start <= :l GROUP BY window_start").bind("f", first).bind("l", last)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getInt(2))).forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    /**
     * Removes packages and receipts past their week (receipts a day later, for the downloads of
     * the last packages); their bytes go unless something else holds them (a build keeps its APK).
     * Returns the number of windows removed.
     */
    public int removeExpired() {
        long cutoff = clock.millis() - AVAILABLE.toMillis() - FeedPackageName.FIVE_MINUTES;
        long receiptCutoff = cutoff - Duration.ofDays(1).toMillis();
        List<String> released = new ArrayList<>();
        int removed = jdbi.inTransaction(h -> {
            for (long w : h.createQuery("SELECT window_start FROM feed_windows WHERE window_start < :c").bind("c", cutoff)
                    .mapTo(Long.class).list()) {
                released.addAll(holds.release(h, "feed-package:" + w));
            }
            for (long w : h.createQuery("SELECT DISTINCT window_start FROM feed_receipts WHERE window_start < :c")
                    .bind("c", receiptCutoff).mapTo(Long.class).list()) {
                released.addAll(holds.release(h, "feed-sample:" + w));
            }
            h.createUpdate("DELETE FROM feed_receipts WHERE window_start < :c").bind("c", receiptCutoff).execute();
            return h.createUpdate("DELETE FROM feed_windows WHERE window_start < :c").bind("c", cutoff).execute();
        });
        holds.sweep(released);
        hourly.clear();
        return removed;
    }

    private static FeedReceipt mapReceipt(ResultSet rs, StatementContext ctx)
            throws SQLException {
        long vc = rs.getLong("version_code");
        Long versionCode = rs.wasNull() ? null : vc;
        return new FeedReceipt(rs.getString("sha256"), rs.getLong("window_start"), rs.getLong("received_at"), rs.getLong("size"),
                rs.getString("md5"), rs.getString("sha1"), rs.getString("package_name"), versionCode, rs.getString("version_name"));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
