package dev.depot.repository;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code fdroid_snapshots}: the index-v2 of each published revision, for diffs. */
public final class FdroidSnapshotRepository {
    private final Jdbi jdbi;

    public FdroidSnapshotRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One stored index: its revision, when it was published and its blob. */
    record Snapshot(long revision, long timestamp, String sha256) {}

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    boolean exists(long repositoryId, long revision) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM fdroid_snapshots WHERE repository_id = :repository AND revision = :revision""")
                .bind("repository", repositoryId).bind("revision", revision).mapTo(Integer.class).one()) > 0;
    }

    void insert(Handle h, long repositoryId, long revision, long timestamp, String sha256, long size, int packages) {
        h.createUpdate("""
                        INSERT INTO fdroid_snapshots (repository_id, revision, timestamp_ms, index_sha256, index_size, num_packages)
                        VALUES (:repository, :revision, :timestamp, :sha256, :size, :packages)
                        ON CONFLICT DO NOTHING""")
                .bind("repository", repositoryId).bind("revision", revision).bind("timestamp", timestamp)
                .bind("sha256", sha256).bind("size", size).bind("packages", packages).execute();
    }

    /** The newest {@code limit} snapshots before {@code revision}, newest first. */
    List<Snapshot> before(long repositoryId, long revision, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT revision, timestamp_ms, index_sha256 FROM fdroid_snapshots
                        WHERE repository_id = :repository AND revision < :revision
                        ORDER BY revision DESC LIMIT :limit""")
                .bind("repository", repositoryId).bind("revision", revision).bind("limit", limit)
                .map((rs, ctx) -> new Snapshot(rs.getLong(1), rs.getLong(2), rs.getString(3))).list());
    }
}
