package dev.depot.support;

import dev.depot.ota.OtaBuild;
import java.time.LocalDate;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * History written fast, straight into the tables with the columns Depot writes: many devices, many
 * ROM builds of one device (copies of a real published build, so each can be downloaded), many
 * builds of an app. For tests of pages and plans and for the scale benchmark.
 */
public final class Seed {
    private static final int BATCH = 5_000;

    private Seed() {}

    private static void flushIfFull(PreparedBatch b) {
        if (b.size() == BATCH) {
            b.execute();
        }
    }

    private static void flush(PreparedBatch b) {
        if (b.size() > 0) {
            b.execute();
        }
    }

    /** Adds visible, maintained devices {@code prefix0 ...} made by {@code maker}. */
    public static void devices(Jdbi jdbi, String prefix, String maker, int count) {
        jdbi.useTransaction(h -> {
            PreparedBatch b = h.prepareBatch("INSERT INTO devices (codename, name, manufacturer, maintained, visible, note, created_at) "
                    + "VALUES (:codename, :name, :maker, TRUE, TRUE, '', 0)");
            for (int i = 0; i < count; i++) {
                b.bind("codename", prefix + i).bind("name", "Phone " + i).bind("maker", maker).add();
                flushIfFull(b);
            }
            flush(b);
        });
    }

    /**
     * Adds {@code count} published copies of {@code template} (its device, variant and bytes), one
     * a day going back from the day before the template's date, named {@code <tag>-<n>.zip}.
     */
    public static void romBuilds(Jdbi jdbi, OtaBuild template, String tag, int count) {
        jdbi.useTransaction(h -> {
            long device = h.createQuery("SELECT device_id FROM builds WHERE id = :id").bind("id", template.id()).mapTo(Long.class).one();
            long variant = h.createQuery("SELECT variant_id FROM builds WHERE id = :id").bind("id", template.id()).mapTo(Long.class).one();
            PreparedBatch b = h.prepareBatch("""
                    INSERT INTO builds (kind, file_name, size, sha256, md5, status, enabled, metadata, device_id, variant_id,
                        version, build_date, changelog, created_at)
                    VALUES ('ota', :fileName, :size, :sha256, :md5, 'processed', TRUE, '{}', :device, :variant, :version, :date, '', :at)""");
            LocalDate day = template.buildDate();
            for (int i = 0; i < count; i++) {
                day = day.minusDays(1);
                b.bind("fileName", tag + "-" + i + ".zip").bind("size", template.size()).bind("sha256", template.sha256())
                        .bind("md5", template.md5()).bind("device", device).bind("variant", variant).bind("version", template.version())
                        .bind("date", day.toString()).bind("at", template.createdAt()).add();
                flushIfFull(b);
            }
            flush(b);
        });
    }

    /** Adds {@code count} processed builds of the app {@code appId}, copies of its build {@code templateId}, older than it. */
    public static void appBuilds(Jdbi jdbi, long appId, long templateId, int count) {
        jdbi.useTransaction(h -> {
            long createdAt = h.createQuery("SELECT created_at FROM builds WHERE id = :id").bind("id", templateId).mapTo(Long.class).one();
            PreparedBatch b = h.prepareBatch("""
                    INSERT INTO builds (kind, file_name, size, sha256, md5, sha1, status, enabled, changelog, tags, version,
                        version_code, facts, app_id, created_at, processed_at)
                    SELECT kind, file_name, size, sha256, md5, sha1, status, enabled, changelog, tags, version,
                        version_code, facts, app_id, :at, :at FROM builds WHERE id = :template""");
            for (int i = 0; i < count; i++) {
                b.bind("template", templateId).bind("at", createdAt - 1_000L * (i + 1)).add();
                flushIfFull(b);
            }
            flush(b);
        });
    }
}
