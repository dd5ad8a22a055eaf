package dev.depot.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.Sha256;
import dev.depot.db.ServerSettings;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each repository as an F-Droid repository: {@code index-v1.json} and {@code index-v1.jar},
 * {@code entry.json} and {@code entry.jar}, {@code index-v2.json}, and {@code diff/<timestamp>.json}
 * (JSON Merge Patch from the last indexes to the current one), built per state hash and cached.
 * The documents are {@link FdroidIndex}'s, the jars are signed by {@link FdroidKeys}, the earlier
 * indexes are {@link FdroidSnapshots} written when each revision is published, and icons and
 * signatures come from inspection ({@link FdroidApkReads}).
 */
public final class FdroidExport {
    private static final Logger log = LoggerFactory.getLogger(FdroidExport.class);
    private static final int MAX_CACHED = 64;
    private static final Duration RECORDING_WAIT = Duration.ofSeconds(10);

    private final RepositoryService repositories;
    private final FdroidKeys keys;
    private final FdroidSnapshots snapshots;
    private final FdroidApkReads apks;
    private final Supplier<String> publicBase;
    private final Map<String, Built> cache = new ConcurrentHashMap<>();
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("fdroid-snapshots").factory());
    private final Map<Long, Repository> latest = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    public FdroidExport(RepositoryService repositories, FdroidSnapshotRepository snapshots, BlobStore blobs, BlobHolds holds,
                        ServerSettings settings, Path keysDir, Supplier<String> publicBase) {
        this.repositories = repositories;
        this.keys = new FdroidKeys(settings, keysDir);
        this.snapshots = new FdroidSnapshots(snapshots, blobs, holds);
        this.apks = new FdroidApkReads(blobs);
        this.publicBase = publicBase;
        repositories.onRevision(this::published);
    }

    /** Every file of one state of a repository. */
    public record Built(String stateHash, long timestamp, byte[] indexV1, byte[] indexV1Jar, byte[] entry, byte[] entryJar,
                        byte[] indexV2, Map<Long, byte[]> diffs, byte[] archiveIndexV1, byte[] archiveIndexV1Jar) {}

    /** Where F-Droid's tools find a repository ({@code fdroid mirror} adds the section). */
    public String base(String repo) {
        return FdroidIndex.base(publicBase.get(), repo);
    }

    /** The address F-Droid clients add for a repository: its {@code repo} section. */
    public String address(String repo) {
        return FdroidIndex.address(publicBase.get(), repo);
    }

    /** The repository's signing certificate fingerprint as F-Droid shows it: SHA-256 of the DER certificate, hex. */
    public String fingerprint(Repository repo) {
        return keys.fingerprint(repo);
    }

    /**
     * A revision was published: its index-v2 is kept for the diffs of later revisions, by a
     * background thread, so that publishing does not wait for it. Revisions published faster than
     * they are recorded are coalesced into the newest (a client that fetched one of those in the
     * meantime gets the whole index next time).
     */
    private void published(Repository repo) {
        latest.merge(repo.id(), repo, (a, b) -> a.revision() >= b.revision() ? a : b);
        try {
            pending.computeIfAbsent(repo.id(), id -> CompletableFuture.runAsync(() -> recordLatest(id), recorder));
        } catch (RejectedExecutionException closing) {
            log.info("not keeping the F-Droid index of {} revision {}: shutting down", repo.name(), repo.revision());
        }
    }

    private void recordLatest(long repositoryId) {
        pending.remove(repositoryId);
        Repository published = latest.remove(repositoryId);
        if (published == null) {
            return;
        }
        try {
            Repository now = repositories.require(published.name());
            List<RepositoryEntry> entries = repositories.entries(now);
            if (now.revision() != published.revision() || repositories.require(now.name()).revision() != now.revision()) {
                return; // a newer revision was published meanwhile: its own recording follows
            }
            byte[] v2 = FdroidIndex.JSON.writeValueAsBytes(FdroidIndex.indexV2(now, entries, address(now.name()), now.updatedAt()));
            snapshots.record(now, now.updatedAt(), v2, FdroidIndex.packages(entries));
        } catch (IOException | RuntimeException e) {
            log.warn("could not keep the F-Droid index of {} revision {} (later indexes have no diff from it): {}",
                    published.name(), published.revision(), e.toString());
        }
    }

    /** Waits (a little) for the recording of a revision just published, so its index's diffs can count on it. */
    private void awaitRecording(Repository repo) {
        CompletableFuture<Void> f = pending.get(repo.id());
        if (f != null) {
            try {
                f.get(RECORDING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // served without that diff
            }
        }
    }

    /** Stops recording; what is under way finishes. */
    public void close() {
        recorder.shutdown();
        try {
            recorder.awaitTermination(RECORDING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Built build(Repository repo, String address) {
        String cacheKey = repo.name() + "|" + repo.stateHash() + "|" + address;
        Built b = cache.get(cacheKey);
        if (b != null) {
            return b;
        }
        b = generate(repo, address);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(cacheKey, b);
        return b;
    }

    private Built generate(Repository repo, String address) {
        awaitRecording(repo);
        List<RepositoryEntry> entries = repositories.entries(repo);
        long timestamp = repo.updatedAt();
        try {
            ObjectNode v1node = FdroidIndex.indexV1(repo, entries, address, timestamp, apks::sig);
            byte[] v1 = FdroidIndex.JSON.writeValueAsBytes(v1node);
            ObjectNode v2node = FdroidIndex.indexV2(repo, entries, address, timestamp);
            byte[] v2 = FdroidIndex.JSON.writeValueAsBytes(v2node);
            long packages = FdroidIndex.packages(entries);
            Map<Long, byte[]> diffs = new LinkedHashMap<>();
            ObjectNode entry = FdroidIndex.JSON.createObjectNode();
            entry.put("timestamp", timestamp);
            entry.put("version", 20002);
            entry.set("index", fileInfo("/index-v2.json", v2, packages));
            ObjectNode diffInfo = entry.putObject("diffs");
            for (Map.Entry<Long, JsonNode> old : snapshots.previous(repo).entrySet()) {
                byte[] diff = FdroidIndex.JSON.writeValueAsBytes(JsonMergePatch.diff(old.getValue(), v2node));
                diffs.put(old.getKey(), diff);
                // fdroidserver counts the packages the diff carries, not those of the old index
                JsonNode changed = FdroidIndex.JSON.readTree(diff).path("packages");
                diffInfo.set(Long.toString(old.getKey()), fileInfo("/diff/" + old.getKey() + ".json", diff, changed.size()));
            }
            byte[] entryBytes = FdroidIndex.JSON.writeValueAsBytes(entry);
            byte[] archive = FdroidIndex.JSON.writeValueAsBytes(FdroidIndex.archiveIndexV1(v1node, repo,
                    FdroidIndex.archiveAddress(address)));
            return new Built(repo.stateHash(), timestamp, v1, keys.signedJar(repo, "index-v1.json", v1, timestamp), entryBytes,
                    keys.signedJar(repo, "entry.json", entryBytes, timestamp), v2, diffs, archive,
                    keys.signedJar(repo, "index-v1.json", archive, timestamp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode fileInfo(String name, byte[] bytes, long numPackages) {
        ObjectNode n = FdroidIndex.JSON.createObjectNode();
        n.put("name", name);
        n.put("sha256", Sha256.hex(bytes));
        n.put("size", bytes.length);
        n.put("numPackages", numPackages);
        return n;
    }

    /** The icon named in the index: the APK's launcher icon when it is a PNG, or a neutral placeholder. */
    public Optional<byte[]> icon(Repository repo, String name) {
        return repositories.entries(repo).stream().filter(e -> FdroidIndex.iconName(e).equals(name)).findFirst()
                .map(apks::icon);
    }

    /** The published version an APK name of the index names. */
    public Optional<RepositoryEntry> apk(Repository repo, String apkName) {
        return repositories.entries(repo).stream().filter(e -> FdroidIndex.apkName(e).equals(apkName)).findFirst();
    }
}
