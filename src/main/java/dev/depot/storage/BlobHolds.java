package dev.depot.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the decision to delete stored bytes. Every feature that keeps a blob holds it
 * under a name of its own ({@code build:42}, {@code feed-sample:<window>}, {@code upload:<id>},
 * ...), in the transaction that makes what keeps it; letting go is written in the transaction that
 * ends it. A blob is deleted only once nobody holds it, by {@link #sweep()}: after each release,
 * and every few minutes for what a crash left between a release and its deletion.
 *
 * <p>Whoever is about to store bytes that may already be stored holds them first, then stores
 * them (an upload holds its digest before it moves its bytes into the store). A hold waits for a
 * sweep deleting the same bytes, so what the holder then finds in the store stays there.
 */
public final class BlobHolds {
    private static final Logger log = LoggerFactory.getLogger(BlobHolds.class);
    private static final int SWEEP_BATCH = 1000;

    private final BlobHoldRepository repository;
    private final BlobStore blobs;
    private final Clock clock;

    public BlobHolds(BlobHoldRepository repository, BlobStore blobs, Clock clock) {
        this.repository = repository;
        this.blobs = blobs;
        this.clock = clock;
    }

    /** {@code holder} keeps the bytes with this SHA-256, from the end of the caller's transaction. */
    public void hold(Handle h, String sha256, String holder) {
        repository.hold(h, new BlobKey(sha256).sha256(), holder);
    }

    public void hold(String sha256, String holder) {
        repository.inTransaction(h -> {
            hold(h, sha256, holder);
            return null;
        });
    }

    /** {@code holder} lets go of everything it holds, with the caller's transaction; {@link #sweep()} then deletes what nobody holds. */
    public List<String> release(Handle h, String holder) {
        return repository.release(h, holder, clock.millis());
    }

    /** Lets go at once and deletes what nobody holds any more. */
    public void release(String holder) {
        sweep(repository.inTransaction(h -> release(h, holder)));
    }

    /** Whether anyone holds these bytes. */
    public boolean held(String sha256) {
        return repository.held(sha256);
    }

    /** Who holds these bytes, by name. */
    public List<String> holders(String sha256) {
        return repository.holders(sha256);
    }

    /**
     * Deletes the released bytes nobody holds; returns how many blobs went. Each deletion happens
     * with its release locked, so a hold of the same bytes waits for it to finish.
     */
    public int sweep() {
        return sweep(repository.releases(SWEEP_BATCH));
    }

    /** Deletes these blobs if they are released and nobody holds them. */
    public int sweep(List<String> released) {
        int deleted = 0;
        for (String sha256 : released) {
            try {
                boolean gone = repository.inTransaction(h -> {
                    if (!repository.lockUnheld(h, sha256)) {
                        repository.forgetRelease(h, sha256); // held again (or already swept)
                        return false;
                    }
                    try {
                        blobs.delete(new BlobKey(sha256));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    repository.forgetRelease(h, sha256);
                    return true;
                });
                if (gone) {
                    deleted++;
                }
            } catch (UncheckedIOException e) {
                log.warn("could not delete blob {} that nothing holds (tried again later): {}", sha256, e.getCause().toString());
            }
        }
        return deleted;
    }
}
