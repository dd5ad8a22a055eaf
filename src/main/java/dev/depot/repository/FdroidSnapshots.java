package dev.depot.repository;

import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The index-v2 each revision of a repository published, kept (as blobs it holds) so that the
 * index of a later revision can be offered as a diff from the last {@link #DIFFS} of them. A
 * snapshot is written on the recording thread when its revision is published or its files are
 * first made, never by the thread serving a request.
 */
final class FdroidSnapshots {
    static final int DIFFS = 10;

    private final FdroidSnapshotRepository repository;
    private final BlobStore blobs;
    private final BlobHolds holds;

    FdroidSnapshots(FdroidSnapshotRepository repository, BlobStore blobs, BlobHolds holds) {
        this.repository = repository;
        this.blobs = blobs;
        this.holds = holds;
    }

    static String holder(Repository repo) {
        return "fdroid-snapshot:" + repo.id() + ":" + repo.revision();
    }

    /** Whether the index of the repository's current revision is kept. */
    boolean recorded(Repository repo) {
        return repository.exists(repo.id(), repo.revision());
    }

    /** Keeps {@code indexV2} as the index of the repository's current revision (once; later calls keep the first). */
    void record(Repository repo, long timestamp, byte[] indexV2, int packages) throws IOException {
        if (repository.exists(repo.id(), repo.revision())) {
            return;
        }
        StoredBlob stored = blobs.write(new ByteArrayInputStream(indexV2));
        repository.inTransaction(h -> {
            holds.hold(h, stored.key().sha256(), holder(repo));
            repository.insert(h, repo.id(), repo.revision(), timestamp, stored.key().sha256(), stored.size(), packages);
            return null;
        });
    }

    /** The last {@link #DIFFS} published index-v2 documents before the repository's current revision, newest first. */
    List<FdroidSnapshotRepository.Snapshot> previous(Repository repo) {
        return repository.before(repo.id(), repo.revision(), DIFFS);
    }

    /** The bytes of a kept index, or empty when they are gone. */
    Optional<InputStream> open(FdroidSnapshotRepository.Snapshot s) throws IOException {
        BlobKey key = new BlobKey(s.sha256());
        Optional<Long> size = blobs.size(key);
        return size.isEmpty() ? Optional.empty() : Optional.of(blobs.read(key, 0, size.get()));
    }
}
