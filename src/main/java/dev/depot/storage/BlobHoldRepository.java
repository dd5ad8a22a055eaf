package dev.depot.storage;

import dev.depot.db.Dialect;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code blob_holds} and {@code blob_releases}: the tables {@link BlobHolds} owns. */
public final class BlobHoldRepository {
    private final Jdbi jdbi;
    private final Dialect dialect;

    public BlobHoldRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    /**
     * Records a hold. The blob's release row goes first: that waits for a sweep deleting the same
     * blob (which locks the row), so a hold either comes before the sweep looks, or after the
     * bytes are gone, when the holder finds them missing and stores them again.
     */
    void hold(Handle h, String sha256, String holder) {
        h.createUpdate("DELETE FROM blob_releases WHERE sha256 = :sha256").bind("sha256", sha256).execute();
        h.createUpdate("INSERT INTO blob_holds (sha256, holder) VALUES (:sha256, :holder) ON CONFLICT DO NOTHING")
                .bind("sha256", sha256).bind("holder", holder).execute();
    }

    /** Moves what {@code holder} holds to the releases; returns the blobs it held. */
    List<String> release(Handle h, String holder, long now) {
        List<String> held = h.createQuery("SELECT sha256 FROM blob_holds WHERE holder = :holder")
                .bind("holder", holder).mapTo(String.class).list();
        if (held.isEmpty()) {
            return held;
        }
        h.createUpdate("""
                        INSERT INTO blob_releases (sha256, released_at)
                        SELECT sha256, :now FROM blob_holds WHERE holder = :holder
                        ON CONFLICT (sha256) DO UPDATE SET released_at = excluded.released_at""")
                .bind("holder", holder).bind("now", now).execute();
        h.createUpdate("DELETE FROM blob_holds WHERE holder = :holder").bind("holder", holder).execute();
        return held;
    }

    /** The oldest releases, candidates for deletion. */
    List<String> releases(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT sha256 FROM blob_releases ORDER BY released_at LIMIT :limit")
                .bind("limit", limit).mapTo(String.class).list());
    }

    /**
     * Locks a release until the transaction ends and says whether its blob may go: the release is
     * still there and nobody holds the blob.
     */
    boolean lockUnheld(Handle h, String sha256) {
        boolean released = h.createQuery("SELECT sha256 FROM blob_releases WHERE sha256 = :sha256" + dialect.rowLock())
                .bind("sha256", sha256).mapTo(String.class).findOne().isPresent();
        return released && !held(h, sha256);
    }

    /** Forgets a release: its bytes are gone, or somebody holds them again. */
    void forgetRelease(Handle h, String sha256) {
        h.createUpdate("DELETE FROM blob_releases WHERE sha256 = :sha256").bind("sha256", sha256).execute();
    }

    boolean held(String sha256) {
        return jdbi.withHandle(h -> held(h, sha256));
    }

    private static boolean held(Handle h, String sha256) {
        return h.createQuery("SELECT COUNT(*) FROM blob_holds WHERE sha256 = :sha256")
                .bind("sha256", sha256).mapTo(Integer.class).one() > 0;
    }

    List<String> holders(String sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT holder FROM blob_holds WHERE sha256 = :sha256 ORDER BY holder")
                .bind("sha256", sha256).mapTo(String.class).list());
    }
}
