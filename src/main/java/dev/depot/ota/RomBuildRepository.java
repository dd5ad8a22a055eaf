package dev.depot.ota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * How ROM builds are read: rows of {@code builds} with a device, joined with their device and
 * variant. What "published" means (enabled, and processed) is spelled here once, in SQL.
 */
public final class RomBuildRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = """
            SELECT b.id, b.file_name, b.size, b.sha256, b.md5, b.status, b.enabled, b.version, b.build_date, b.x86_type,
                b.metadata, b.facts, b.created_at, b.changelog, d.codename AS device, v.codename AS variant,
                COALESCE(d.release_type, v.release_type) AS release_type
            FROM builds b JOIN devices d ON d.id = b.device_id JOIN variants v ON v.id = b.variant_id
            """;
    private static final String PUBLISHED = "b.enabled = TRUE AND b.status = 'processed'";

    private final Jdbi jdbi;

    public RomBuildRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Optional<OtaBuild> build(long id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.id = :id").bind("id", id).map(RomBuildRepository::map).findOne());
    }

    /** A published build: what phones are offered and the public may download. */
    Optional<OtaBuild> publishedBuild(long id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.id = :id AND " + PUBLISHED)
                .bind("id", id).map(RomBuildRepository::map).findOne());
    }

    Optional<OtaBuild> buildOfUpload(String uploadId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.upload_id = :upload")
                .bind("upload", uploadId).map(RomBuildRepository::map).findOne());
    }

    Optional<OtaBuild> buildByFileName(String fileName) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.file_name = :fileName")
                .bind("fileName", fileName).map(RomBuildRepository::map).findOne());
    }

    Optional<OtaBuild> buildBySha256(String sha256) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.sha256 = :sha256 ORDER BY b.id LIMIT 1")
                .bind("sha256", sha256).map(RomBuildRepository::map).findOne());
    }

    /** The newest {@code limit} published builds of a device and variant (and x86 type), newest first. */
    List<OtaBuild> publishedBuilds(long deviceId, long variantId, String x86Type, int limit) {
        return jdbi.withHandle(h -> h.createQuery(updaterSql(x86Type != null))
                .bind("device", deviceId).bind("variant", variantId).bind("x86Type", x86Type).bind("limit", limit)
                .map(RomBuildRepository::map).list());
    }

    /** The query of {@link #publishedBuilds}. */
    static String updaterSql(boolean x86) {
        return SELECT + "WHERE b.device_id = :device AND b.variant_id = :variant AND " + PUBLISHED + " "
                + (x86 ? "AND b.x86_type = :x86Type " : "") + "ORDER BY b.build_date DESC, b.id DESC LIMIT :limit";
    }

    /** Published builds of a device, every variant, newest first. */
    List<OtaBuild> publishedBuildsOfDevice(long deviceId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE b.device_id = :device AND " + PUBLISHED
                        + " ORDER BY b.build_date DESC, b.id DESC")
                .bind("device", deviceId).map(RomBuildRepository::map).list());
    }

    /**
     * A page of a device's builds, newest first: published ones only or all, of one variant or of
     * every one, those after the build {@code before} (null: from the newest). Each shape is read
     * from an index in this order.
     */
    List<OtaBuild> page(long deviceId, Long variantId, boolean publishedOnly, Long before, int limit) {
        return jdbi.withHandle(h -> h.createQuery(pageSql(variantId != null, publishedOnly, before != null))
                .bind("device", deviceId).bind("variant", variantId).bind("before", before).bind("limit", limit)
                .map(RomBuildRepository::map).list());
    }

    /** The query of {@link #page}, for each shape of page. */
    static String pageSql(boolean oneVariant, boolean publishedOnly, boolean after) {
        StringBuilder where = new StringBuilder("WHERE b.device_id = :device ");
        if (oneVariant) {
            where.append("AND b.variant_id = :variant ");
        }
        if (publishedOnly) {
            where.append("AND ").append(PUBLISHED).append(' ');
        }
        if (after) {
            where.append("AND (b.build_date, b.id) < (SELECT o.build_date, o.id FROM builds o WHERE o.id = :before) ");
        }
        return SELECT + where + "ORDER BY b.build_date DESC, b.id DESC LIMIT :limit";
    }

    /**
     * Device codename to the variants that have published builds: one index probe per device and
     * variant, never a scan of every build.
     */
    List<Map.Entry<String, String>> publishedVariants() {
        return jdbi.withHandle(h -> h.createQuery(VARIANTS_SQL)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list());
    }

    static final String VARIANTS_SQL = """
            SELECT d.codename, v.codename FROM devices d CROSS JOIN variants v
            WHERE EXISTS (SELECT 1 FROM builds b WHERE b.device_id = d.id AND b.variant_id = v.id AND\s""" + PUBLISHED + """
            ) ORDER BY d.codename, v.codename""";

    /** The variants a device has published builds of, by codename. */
    List<String> publishedVariantsOf(long deviceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT v.codename FROM variants v WHERE EXISTS (SELECT 1 FROM builds b
                        WHERE b.device_id = :device AND b.variant_id = v.id AND\s""" + PUBLISHED + """
                        ) ORDER BY v.codename""")
                .bind("device", deviceId).mapTo(String.class).list());
    }

    static final String COUNTS_SQL = "SELECT d.codename, COUNT(*) FROM builds b JOIN devices d ON d.id = b.device_id "
            + "WHERE b.device_id IN (<devices>) AND " + PUBLISHED + " GROUP BY d.codename";

    /** How many published builds each of these devices has, by codename (those without any are absent). */
    Map<String, Integer> publishedBuildCounts(Collection<Long> deviceIds) {
        Map<String, Integer> counts = new HashMap<>();
        if (deviceIds.isEmpty()) {
            return counts;
        }
        jdbi.useHandle(h -> h.createQuery(COUNTS_SQL)
                .bindList("devices", List.copyOf(deviceIds))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    static String toJson(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> facts(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static OtaBuild map(ResultSet rs, StatementContext ctx) throws SQLException {
        Map<String, String> metadata;
        try {
            metadata = JSON.readValue(rs.getString("metadata"), new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            metadata = Map.of();
        }
        return new OtaBuild(rs.getLong("id"), rs.getString("file_name"), rs.getLong("size"), rs.getString("sha256"),
                rs.getString("md5"), rs.getString("status"), rs.getBoolean("enabled"), rs.getString("device"),
                rs.getString("variant"), rs.getString("version"), LocalDate.parse(rs.getString("build_date")),
                rs.getString("x86_type"), rs.getString("release_type"), metadata, facts(rs.getString("facts")),
                rs.getLong("created_at"), rs.getString("changelog"));
    }
}
