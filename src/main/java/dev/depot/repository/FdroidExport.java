package dev.depot.repository;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.Sha256;
import dev.depot.core.Prebuild;
import dev.depot.db.ServerSettings;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobStore;
import dev.depot.storage.DocumentFiles;
import dev.depot.storage.DocumentFiles.Document;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
    private static final Duration RECORDING_WAIT = Duration.ofSeconds(10);
    /** A diff of this many packages is always offered. */
    static final int DIFF_ALWAYS = 1_000;
    /** Beyond {@link #DIFF_ALWAYS} packages, the largest share of the index a diff offered carries. */
    static final double DIFF_MAX_SHARE = 0.25;

    private final RepositoryService repositories;
    private final FdroidKeys keys;
    private final FdroidSnapshots snapshots;
    private final FdroidApkReads apks;
    private final Supplier<String> publicBase;
    private final RepositoryDocuments<Built> files;
    private final DocumentFiles documents;
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("fdroid-snapshots").factory());
    private final Map<Long, Repository> latest = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    public FdroidExport(RepositoryService repositories, FdroidSnapshotRepository snapshots, BlobStore blobs, BlobHolds holds,
                        ServerSettings settings, Path keysDir, Supplier<String> publicBase, DocumentFiles documents,
                        Prebuild prebuild) {
        this.repositories = repositories;
        this.documents = documents;
        this.keys = new FdroidKeys(settings, keysDir);
        this.snapshots = new FdroidSnapshots(snapshots, blobs, holds);
        this.apks = new FdroidApkReads(blobs);
        this.publicBase = publicBase;
        repositories.onRevision(this::published);
        // after the recording above, each revision published here: its files, on the prebuild thread
        this.files = new RepositoryDocuments<>("the F-Droid files", repositories, prebuild, this::generate, this::retire);
    }

    /**
     * Makes the files of every repository ahead of their requests, and from then on those of each
     * state another node publishes (a server calls this as it starts).
     */
    public void keepAllMade() {
        files.keepAllMade();
    }

    /** Every file of one state of a repository, kept on disk. */
    public record Built(String stateHash, long timestamp, Document indexV1, Document indexV1Jar, Document entry, Document entryJar,
                        Document indexV2, Map<Long, Document> diffs, Document archiveIndexV1, Document archiveIndexV1Jar) {
        List<Document> all() {
            List<Document> out = new ArrayList<>(List.of(indexV1, indexV1Jar, entry, entryJar, indexV2, archiveIndexV1,
                    archiveIndexV1Jar));
            out.addAll(diffs.values());
            return out;
        }
    }

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
     * meantime gets the whole index next time). The files of the new state are made on the prebuild
     * thread ({@link RepositoryDocuments}; the request that published may wait for them).
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
            if (snapshots.recorded(now)) {
                return; // its files were made first, and recorded it
            }
            List<RepositoryEntry> entries = repositories.entries(now);
            if (now.revision() != published.revision() || repositories.require(now.name()).revision() != now.revision()) {
                return; // a newer revision was published meanwhile: its own recording follows
            }
            byte[] v2 = FdroidIndex.indexV2(now, entries, address(now.name()), now.updatedAt());
            snapshots.record(now, now.updatedAt(), v2, FdroidIndex.packages(entries));
        } catch (IOException | RuntimeException e) {
            log.warn("could not keep the F-Droid index of {} revision {} (later indexes have no diff from it): {}",
                    published.name(), published.revision(), e.toString());
        }
    }

    /**
     * Keeps a state's index-v2 for the diffs of later states (once per revision), on the recording
     * thread: a request that made the state does not wait for the write, nor fail with it.
     */
    private void keepForLaterDiffs(Repository repo, long timestamp, byte[] v2, int packages) {
        try {
            recorder.execute(() -> {
                try {
                    snapshots.record(repo, timestamp, v2, packages);
                } catch (IOException | RuntimeException e) {
                    log.warn("could not keep the F-Droid index of {} revision {} (later indexes have no diff from it): {}",
                            repo.name(), repo.revision(), e.toString());
                }
            });
        } catch (RejectedExecutionException closing) {
            // shutting down: the revision's own recording, or none
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

    /** Every file of the repository's state, made once per state (ahead of the requests, after a change here and at start). */
    public Built build(Repository repo) {
        return files.get(repo);
    }

    /** Whether the files of the repository's state are made (they are soon after each change here, and after a start). */
    public boolean made(Repository repo) {
        return files.made(repo);
    }

    private void retire(Built b) {
        b.all().forEach(documents::retire);
    }

    /**
     * Every file of one state, each document written as it is built (never the whole index as a
     * tree); the diffs from earlier indexes read only the packages that changed since each.
     */
    private Built generate(Repository repo) {
        String address = address(repo.name());
        List<RepositoryEntry> entries = repositories.entries(repo);
        Map<String, List<RepositoryEntry>> byPackage = FdroidIndex.byPackage(entries);
        long timestamp = repo.updatedAt();
        try {
            byte[] v1 = FdroidIndex.indexV1(repo, entries, address, timestamp, apks::sig, false);
            Document indexV1 = documents.write(v1);
            Document indexV1Jar = documents.write(keys.signedJar(repo, "index-v1.json", v1, timestamp));
            v1 = FdroidIndex.indexV1(repo, entries, address, timestamp, apks::sig, true);
            Document archive = documents.write(v1);
            Document archiveJar = documents.write(keys.signedJar(repo, "index-v1.json", v1, timestamp));
            v1 = null;
            byte[] v2 = FdroidIndex.indexV2(repo, entries, address, timestamp);
            ObjectNode entry = FdroidIndex.JSON.createObjectNode();
            entry.put("timestamp", timestamp);
            entry.put("version", 20002);
            entry.set("index", fileInfo("/index-v2.json", v2, byPackage.size()));
            ObjectNode diffInfo = entry.putObject("diffs");
            Document indexV2 = documents.write(v2);
            keepForLaterDiffs(repo, timestamp, v2, byPackage.size());
            v2 = null;
            Map<Long, Document> diffs = new LinkedHashMap<>();
            ObjectNode v2Repo = FdroidIndex.v2Repo(repo, address, timestamp);
            for (FdroidSnapshotRepository.Snapshot old : snapshots.previous(repo)) {
                Optional<Set<String>> changed = repositories.packagesChangedSince(repo, old.revision());
                if (changed.isEmpty() || !worthADiff(changed.get().size(), byPackage.size())) {
                    continue; // what changed since is no longer known, or most of it did: no diff from it
                }
                Optional<InputStream> bytes = snapshots.open(old);
                if (bytes.isEmpty()) {
                    continue; // the index is gone: no diff from it
                }
                FdroidIndex.Diff diff;
                try (InputStream in = bytes.get()) {
                    diff = FdroidIndex.diffV2(in, v2Repo, changed.get(), byPackage);
                }
                diffs.put(old.timestamp(), documents.write(diff.bytes()));
                // fdroidserver counts the packages the diff carries, not those of the old index
                diffInfo.set(Long.toString(old.timestamp()), fileInfo("/diff/" + old.timestamp() + ".json", diff.bytes(), diff.packages()));
            }
            byte[] entryBytes = FdroidIndex.JSON.writeValueAsBytes(entry);
            return new Built(repo.stateHash(), timestamp, indexV1, indexV1Jar, documents.write(entryBytes),
                    documents.write(keys.signedJar(repo, "entry.json", entryBytes, timestamp)), indexV2, Map.copyOf(diffs),
                    archive, archiveJar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a diff that carries {@code changed} packages of an index of {@code packages} is
     * offered. A client without a diff from its index fetches the whole index, as F-Droid's clients
     * do whenever theirs is not among the diffs; a diff of most of the index saves it little and
     * costs every change as much as the index again, once per earlier index kept. So a diff is
     * offered unless it carries more than {@link #DIFF_MAX_SHARE} of the index and more than
     * {@link #DIFF_ALWAYS} packages.
     */
    static boolean worthADiff(int changed, int packages) {
        return changed <= DIFF_ALWAYS || changed <= packages * DIFF_MAX_SHARE;
    }

    private static ObjectNode fileInfo(String name, byte[] bytes, long numPackages) {
        ObjectNode n = FdroidIndex.JSON.createObjectNode();
        n.put("name", name);
        n.put("sha256", Sha256.hex(bytes));
        n.put("size", bytes.length);
        n.put("numPackages", numPackages);
        return n;
    }

    /** The icon named in the index ({@code <package>.<versionCode>.png}): the APK's launcher icon when it is a PNG, or a neutral placeholder. */
    public Optional<byte[]> icon(Repository repo, String name) {
        int dot = name.endsWith(".png") ? name.lastIndexOf('.', name.length() - 5) : -1;
        return dot < 0 ? Optional.empty() : version(repo, name.substring(0, dot), name.substring(dot + 1, name.length() - 4))
                .map(apks::icon);
    }

    /** The published version an APK name of the index ({@code <package>_<versionCode>.apk}) names. */
    public Optional<RepositoryEntry> apk(Repository repo, String apkName) {
        int sep = apkName.endsWith(".apk") ? apkName.lastIndexOf('_') : -1;
        return sep < 0 ? Optional.empty() : version(repo, apkName.substring(0, sep), apkName.substring(sep + 1, apkName.length() - 4));
    }

    private Optional<RepositoryEntry> version(Repository repo, String packageName, String versionCode) {
        if (!versionCode.matches("-?\\d{1,19}")) {
            return Optional.empty();
        }
        long code = Long.parseLong(versionCode);
        return repositories.versions(repo, packageName).stream().filter(e -> e.versionCode() == code).findFirst();
    }
}
