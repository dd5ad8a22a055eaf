package dev.depot.builds;

import dev.depot.db.Dialect;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjLongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The one writer of the {@code builds} table, which holds ROM builds (a device, a variant) and app
 * builds (an app) alike: inserting each kind, what changes a build (enabled, changelog, facts, the
 * inspection's status) and deleting one. The features read their own kind of row, joined as they
 * need, in their repositories; every change goes through here.
 */
public final class BuildRepository {
    private final Jdbi jdbi;
    private final Dialect dialect;

    public BuildRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    /** The name under which a build holds its bytes in {@link dev.depot.storage.BlobHolds}. */
    public static String blobHolder(long buildId) {
        return "build:" + buildId;
    }

    public <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    /** What a ROM build's row holds when it is made. */
    public record NewRomBuild(String fileName, long size, String sha256, String md5, String sha1, long deviceId, long variantId,
                              String version, LocalDate buildDate, String x86Type, String metadataJson, String changelog,
                              long uploadedBy, long createdAt, String uploadId) {}

    /** What an app build's row holds when it is made. */
    public record NewAppBuild(long appId, String kind, String fileName, long size, String sha256, String md5, String sha1,
                              String changelog,
                              List<String> tags, String versionName, long uploadedBy, long createdAt, String uploadId) {}

    /**
     * Inserts a ROM build (published at once: its zip needs no inspection to be offered) and runs
     * {@code alsoInTransaction} with its id in the same transaction.
     */
    public long insertRomBuild(NewRomBuild b, ObjLongConsumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("""
                            INSERT INTO builds (kind, file_name, size, sha256, md5, sha1, status, enabled, metadata, device_id,
                                variant_id, version, build_date, x86_type, changelog, uploaded_by, created_at, upload_id)
                            VALUES ('ota', :fileName, :size, :sha256, :md5, :sha1, 'processed', TRUE, :metadata, :device,
                                :variant, :version, :buildDate, :x86Type, :changelog, :uploadedBy, :createdAt, :uploadId)
                            RETURNING id""")
                    .bind("fileName", b.fileName()).bind("size", b.size()).bind("sha256", b.sha256()).bind("md5", b.md5())
                    .bind("sha1", b.sha1()).bind("metadata", b.metadataJson()).bind("device", b.deviceId()).bind("variant", b.variantId())
                    .bind("version", b.version()).bind("buildDate", b.buildDate().toString()).bind("x86Type", b.x86Type())
                    .bind("changelog", b.changelog()).bind("uploadedBy", b.uploadedBy()).bind("createdAt", b.createdAt())
                    .bind("uploadId", b.uploadId()).mapTo(Long.class).one();
            alsoInTransaction.accept(h, id);
            return id;
        });
    }

    /** Inserts a pending app build and runs {@code alsoInTransaction} with its id in the same transaction. */
    public long insertAppBuild(NewAppBuild b, ObjLongConsumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("""
                            INSERT INTO builds (kind, file_name, size, sha256, md5, sha1, status, enabled, changelog, tags,
                                version, app_id, uploaded_by, created_at, upload_id)
                            VALUES (:kind, :fileName, :size, :sha256, :md5, :sha1, 'pending', TRUE, :changelog, :tags,
                                :version, :app, :uploadedBy, :createdAt, :uploadId)
                            RETURNING id""")
                    .bind("kind", b.kind()).bind("fileName", b.fileName()).bind("size", b.size()).bind("sha256", b.sha256())
                    .bind("md5", b.md5()).bind("sha1", b.sha1()).bind("changelog", b.changelog()).bind("tags", String.join(",", b.tags()))
                    .bind("version", b.versionName()).bind("app", b.appId()).bind("uploadedBy", b.uploadedBy())
                    .bind("createdAt", b.createdAt()).bind("uploadId", b.uploadId()).mapTo(Long.class).one();
            alsoInTransaction.accept(h, id);
            return id;
        });
    }

    /**
     * Locks the build's row until the transaction ends (SQLite's IMMEDIATE transactions lock the
     * whole database anyway): whatever changes whether a build may be published locks it first, so
     * publishing, disabling and deleting one build happen one after another. False when it is gone.
     */
    public boolean lock(Handle h, long buildId) {
        return h.createQuery("SELECT id FROM builds WHERE id = :id" + dialect.rowLock()).bind("id", buildId)
                .mapTo(Long.class).findOne().isPresent();
    }

    /** Locks the rows of an app's builds, in id order (the order every transaction locks them in); returns their ids. */
    public List<Long> lockBuildsOfApp(Handle h, long appId) {
        return h.createQuery("SELECT id FROM builds WHERE app_id = :app ORDER BY id" + dialect.rowLock())
                .bind("app", appId).mapTo(Long.class).list();
    }

    public void setEnabled(long buildId, boolean enabled) {
        jdbi.useHandle(h -> setEnabled(h, buildId, enabled));
    }

    public void setEnabled(Handle h, long buildId, boolean enabled) {
        h.createUpdate("UPDATE builds SET enabled = :enabled WHERE id = :id").bind("enabled", enabled).bind("id", buildId).execute();
    }

    public void setChangelog(long buildId, String changelog) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET changelog = :changelog WHERE id = :id")
                .bind("changelog", changelog).bind("id", buildId).execute());
    }

    /** An app build's enabled flag, changelog and tags, in the caller's transaction. */
    public void updateAppBuild(Handle h, long buildId, boolean enabled, String changelog, List<String> tags) {
        h.createUpdate("UPDATE builds SET enabled = :enabled, changelog = :changelog, tags = :tags WHERE id = :id")
                .bind("enabled", enabled).bind("changelog", changelog).bind("tags", String.join(",", tags)).bind("id", buildId)
                .execute();
    }

    /** What inspection read from a ROM build's zip (a ROM build is published without waiting for it). */
    /** The build's SHA-1, if it is known (it is for every build uploaded since it is computed while receiving). */
    public Optional<String> sha1(long buildId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT sha1 FROM builds WHERE id = :id").bind("id", buildId)
                .mapTo(String.class).findOne());
    }

    /** Records the SHA-1 of a build uploaded before it was computed while receiving. */
    public void setSha1(long buildId, String sha1) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET sha1 = :sha1 WHERE id = :id AND sha1 IS NULL")
                .bind("sha1", sha1).bind("id", buildId).execute());
    }

    public void setFacts(long buildId, String factsJson) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET facts = :facts WHERE id = :id")
                .bind("facts", factsJson).bind("id", buildId).execute());
    }

    /** Moves a build from one status to another; false when it was not in {@code from}. */
    public boolean transition(long buildId, String from, String to) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE builds SET status = :to WHERE id = :id AND status = :from")
                .bind("to", to).bind("from", from).bind("id", buildId).execute()) > 0;
    }

    public void markProcessed(long buildId, String factsJson, String versionName, Long versionCode, long now) {
        jdbi.useHandle(h -> markProcessed(h, buildId, factsJson, versionName, versionCode, now));
    }

    public void markProcessed(Handle h, long buildId, String factsJson, String versionName, Long versionCode, long now) {
        h.createUpdate("""
                        UPDATE builds SET status = 'processed', facts = :facts, version = COALESCE(:version, version),
                            version_code = :versionCode, error = NULL, processed_at = :now
                        WHERE id = :id""")
                .bind("facts", factsJson).bind("version", versionName).bind("versionCode", versionCode).bind("now", now)
                .bind("id", buildId).execute();
    }

    public void markError(long buildId, String error, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET status = 'error', error = :error, processed_at = :now WHERE id = :id")
                .bind("error", error).bind("now", now).bind("id", buildId).execute());
    }

    public void delete(long buildId) {
        jdbi.useHandle(h -> delete(h, buildId));
    }

    public void delete(Handle h, long buildId) {
        h.createUpdate("DELETE FROM builds WHERE id = :id").bind("id", buildId).execute();
    }
}
