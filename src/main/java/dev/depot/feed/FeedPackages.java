package dev.depot.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.DepotException;
import dev.depot.core.Sha256;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The feed's packages (Koodous' contract). A 5-minute window is sealed once: its package is built
 * from its receipts in a fixed order (received time, then SHA-256), zipped with fixed entry
 * metadata and stored, so every node serves the same bytes; an hour's package is its twelve
 * windows' receipts. Sealing locks the window's row, as receiving does.
 */
public final class FeedPackages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIXED_ZIP_TIME = 315532800000L; // 1980-01-01T00:00:00Z, the start of ZIP time
    private static final int MAX_CACHED_HOURS = 256;
    private static final int MAX_CACHED_WINDOWS = 64;

    private final FeedRepository repository;
    private final BlobStore blobs;
    private final BlobHolds holds;
    private final FeedLinks links;
    private final Clock clock;
    private final Map<Long, Package> hourly = new ConcurrentHashMap<>();
    private final Map<String, Package> sealed = new ConcurrentHashMap<>();

    public FeedPackages(FeedRepository repository, BlobStore blobs, BlobHolds holds, FeedLinks links, Clock clock) {
        this.repository = repository;
        this.blobs = blobs;
        this.holds = holds;
        this.links = links;
        this.clock = clock;
    }

    /** A built package: its bytes, their SHA-256 (the ETag) and how many samples it lists. */
    public record Package(byte[] zip, String sha256, int samples) {}

    /** The name under which a sealed window holds its package's bytes. */
    static String packageHolder(long window) {
        return "feed-package:" + window;
    }

    /** The package named, building (and for 5-minute windows, sealing) what is needed. */
    public Package packageFor(FeedPackageName name) {
        long now = clock.millis();
        if (name.end() > now) {
            throw new DepotException.NotAvailable("not_closed", "The package " + name.text() + " is not closed yet.",
                    Math.max(1, (name.end() - now + 999) / 1000));
        }
        if (now - name.end() >= FeedReceipts.AVAILABLE.toMillis()) {
            throw new DepotException.NotAvailable("expired", "The package " + name.text()
                    + " is older than a week and no longer available.", 0);
        }
        if (!name.hourly()) {
            return window(name.start());
        }
        Package cached = hourly.get(name.start());
        if (cached != null) {
            return cached;
        }
        for (long w = name.start(); w < name.end(); w += FeedPackageName.FIVE_MINUTES) {
            window(w); // seal every window of the hour first
        }
        Package p = zip(repository.receiptsBetween(name.start(), name.end()));
        if (hourly.size() >= MAX_CACHED_HOURS) {
            hourly.clear();
        }
        hourly.put(name.start(), p);
        return p;
    }

    /** A 5-minute window's package: the stored one, or built and sealed now. */
    Package window(long start) {
        Optional<FeedRepository.Sealed> done = repository.sealed(start);
        if (done.isPresent()) {
            return load(done.get());
        }
        return repository.inTransaction(h -> {
            if (repository.lockWindow(h, start)) { // sealed by another request or node meanwhile
                return load(repository.sealed(h, start).orElseThrow());
            }
            Package p = zip(repository.receiptsOfWindow(h, start));
            StoredBlob blob;
            try {
                blob = blobs.write(new ByteArrayInputStream(p.zip()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            holds.hold(h, blob.key().sha256(), packageHolder(start));
            repository.seal(h, start, blob.key().sha256(), blob.size(), p.samples(), clock.millis());
            return p;
        });
    }

    private Package load(FeedRepository.Sealed s) {
        // sealed packages never change: the recent ones stay in memory (analysts fetch each soon after it closes)
        Package known = sealed.get(s.sha256());
        if (known != null) {
            return known;
        }
        Package p = read(s);
        if (sealed.size() >= MAX_CACHED_WINDOWS) {
            sealed.clear();
        }
        sealed.put(s.sha256(), p);
        return p;
    }

    private Package read(FeedRepository.Sealed s) {
        BlobKey key = new BlobKey(s.sha256());
        try {
            long size = blobs.size(key).orElseThrow(() -> new DepotException.NotFound("package_missing",
                    "The stored package is missing."));
            try (InputStream in = blobs.read(key, 0, size)) {
                return new Package(in.readAllBytes(), s.sha256(), s.samples());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                line.append(r.sha256()).append(';').append(links.link(r)).append('\n');
                z.write(line.toString().getBytes(StandardCharsets.US_ASCII));
            }
            z.closeEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        byte[] bytes = out.toByteArray();
        return new Package(bytes, Sha256.hex(bytes), receipts.size());
    }

    /** One JSON object per APK of the window(s), for {@code format=jsonl}. */
    public byte[] jsonLines(FeedPackageName name) {
        packageFor(name); // same availability rules, and the windows are sealed
        StringBuilder out = new StringBuilder();
        for (FeedReceipt r : repository.receiptsBetween(name.start(), name.end())) {
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
            n.put("download_url", links.link(r));
            out.append(n).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

}
