package dev.depot.ota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for devices, variants, x86 types, maintainers and OTA builds. */
final class OtaRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE_COLUMNS =
            "id, codename, name, manufacturer, maintained, visible, note, release_type";
    private static final String BUILD_SELECT = "SELECT b.id, b.file_name, b.size, b.sha256, b.md5, b.status, "
            + "b.enabled, b.version, b.build_date, b.x86_type, b.metadata, b.facts, b.created_at, b.changelog, d.codename AS device, "
            + "v.codename AS variant, COALESCE(d.release_type, v.release_type) AS release_type "
            + "FROM builds b JOIN devices d ON d.id = b.device_id JOIN variants v ON v.id = b.variant_id ";

    private final Jdbi jdbi;

    OtaRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long insertDevice(String codename, String name, String manufacturer, long now) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO devices (codename, name, manufacturer, created_at) "
                        + "VALUES (:c, :n, :m, :now) RETURNING id")
                .bind("c", codename).bind("n", name).bind("m", manufacturer).bind("now", now)
                .mapTo(Long.class).one());
    }

    void updateDevice(Device d) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE devices SET name = :n, manufacturer = :m, maintained = :ma, "
                        + "visible = :v, note = :note, release_type = :rt WHERE id = :id")
                .bind("n", d.name()).bind("m", d.manufacturer()).bind("ma", d.maintained()).bind("v", d.visible())
                .bind("note", d.note()).bind("rt", d.releaseType()).bind("id", d.id()).execute());
    }

    Optional<Device> device(String codename) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE codename = :c")
                .bind("c", codename).map(OtaRepository::mapDevice).findOne());
    }

    List<Device> devices() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices ORDER BY codename")
                .map(OtaRepository::mapDevice).list());
    }

    long insertVariant(String codename, String description, String releaseType, long now) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO variants (codename, description, release_type, "
                        + "created_at) VALUES (:c, :d, :r, :now) RETURNING id")
                .bind("c", codename).bind("d", description).bind("r", releaseType).bind("now", now)
                .mapTo(Long.class).one());
    }

    List<Variant> variants() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, codename, description, release_type FROM variants "
                        + "ORDER BY codename")
                .map((rs, ctx) -> new Variant(rs.getLong("id"), rs.getString("codename"),
                        rs.getString("description"), rs.getString("release_type"))).list());
    }

    Optional<Variant> variant(String codename) {
        return variants().stream().filter(v -> v.codename().equals(codename)).findFirst();
    }

    void insertX86Type(String codename, String description) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO x86_types (codename, description) VALUES (:c, :d)")
                .bind("c", codename).bind("d", description).execute());
    }

    List<String> x86Types() {
        return jdbi.withHandle(h -> h.createQuery("SELECT codename FROM x86_types ORDER BY codename")
                .mapTo(String.class).list());
    }

    boolean addMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO device_maintainers (device_id, user_id) "
                        + "VALUES (:d, :u) ON CONFLICT DO NOTHING")
                .bind("d", deviceId).bind("u", userId).execute()) > 0;
    }

    boolean removeMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM device_maintainers WHERE device_id = :d AND user_id = :u")
                .bind("d", deviceId).bind("u", userId).execute()) > 0;
    }

    boolean isMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM device_maintainers WHERE device_id = :d "
                        + "AND user_id = :u")
                .bind("d", deviceId).bind("u", userId).mapTo(Integer.class).one()) > 0;
    }

    /** Pairs of (username, device codename) for every maintainer assignment. */
    List<Map.Entry<Long, String>> maintainedDevices() {
        return jdbi.withHandle(h -> h.createQuery("SELECT m.user_id, d.codename FROM device_maintainers m "
                        + "JOIN devices d ON d.id = m.device_id ORDER BY d.codename")
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list());
    }

    /** Device codename to the variants that have enabled, processed builds. */
    List<Map.Entry<String, String>> publishedVariants() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT d.codename, v.codename FROM builds b "
                        + "JOIN devices d ON d.id = b.device_id JOIN variants v ON v.id = b.variant_id "
                        + "WHERE b.enabled = TRUE AND b.status = 'processed' ORDER BY d.codename, v.codename")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list());
    }

    /** How many published builds each device has, by codename. */
    Map<String, Integer> publishedBuildCounts() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT d.codename, COUNT(*) FROM builds b JOIN devices d ON d.id = b.device_id "
                        + "WHERE b.enabled = TRUE AND b.status = 'processed' GROUP BY d.codename")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    /** Inserts a build with its changelog and runs {@code alsoInTransaction} with its id in the same transaction. */
    long insertBuild(String fileName, long size, String sha256, String md5, long deviceId, long variantId,
                     String version, LocalDate buildDate, String x86Type, Map<String, String> metadata,
                     String changelog, long uploadedBy, long now, String uploadId,
                     java.util.function.ObjLongConsumer<org.jdbi.v3.core.Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("INSERT INTO builds (kind, file_name, size, sha256, md5, status, "
                            + "enabled, metadata, device_id, variant_id, version, build_date, x86_type, changelog, uploaded_by, "
                            + "created_at, upload_id) VALUES ('ota', :f, :s, :sha, :md5, 'processed', TRUE, :meta, :d, :v, :ver, "
                            + ":date, :x86, :c, :u, :now, :up) RETURNING id")
                    .bind("f", fileName).bind("s", size).bind("sha", sha256).bind("md5", md5)
                    .bind("meta", toJson(metadata)).bind("d", deviceId).bind("v", variantId).bind("ver", version)
                    .bind("date", buildDate.toString()).bind("x86", x86Type).bind("c", changelog).bind("u", uploadedBy)
                    .bind("now", now).bind("up", uploadId).mapTo(Long.class).one();
            alsoInTransaction.accept(h, id);
            return id;
        });
    }

    /** The ROM build an upload became. */
    Optional<OtaBuild> buildOfUpload(String uploadId) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.upload_id = :u")
                .bind("u", uploadId).map(OtaRepository::mapBuild).findOne());
    }

    Optional<OtaBuild> build(long id) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.id = :id")
                .bind("id", id).map(OtaRepository::mapBuild).findOne());
    }

    Optional<OtaBuild> buildByFileName(String fileName) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.file_name = :f")
                .bind("f", fileName).map(OtaRepository::mapBuild).findOne());
    }

    Optional<OtaBuild> buildBySha256(String sha256) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.sha256 = :s ORDER BY b.id LIMIT 1")
                .bind("s", sha256).map(OtaRepository::mapBuild).findOne());
    }

    /** Enabled, processed builds of a device and variant, newest first. */
    List<OtaBuild> publishedBuilds(long deviceId, long variantId, String x86Type) {
        String x86 = x86Type == null ? "" : "AND b.x86_type = :x86 ";
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.device_id = :d AND b.variant_id = :v "
                        + "AND b.enabled = TRUE AND b.status = 'processed' " + x86
                        + "ORDER BY b.build_date DESC, b.id DESC")
                .bind("d", deviceId).bind("v", variantId).bind("x86", x86Type)
                .map(OtaRepository::mapBuild).list());
    }

    List<OtaBuild> buildsOfDevice(long deviceId) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE b.device_id = :d "
                        + "ORDER BY b.build_date DESC, b.id DESC")
                .bind("d", deviceId).map(OtaRepository::mapBuild).list());
    }

    void setFacts(long buildId, String facts) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET facts = :f WHERE id = :id").bind("f", facts).bind("id", buildId).execute());
    }

    void setEnabled(long buildId, boolean enabled) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET enabled = :e WHERE id = :id")
                .bind("e", enabled).bind("id", buildId).execute());
    }

    void setChangelog(long buildId, String changelog) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET changelog = :c WHERE id = :id")
                .bind("c", changelog).bind("id", buildId).execute());
    }

    void deleteBuild(long buildId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM builds WHERE id = :id").bind("id", buildId).execute());
    }

    private static String toJson(Map<String, String> map) {
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

    private static Device mapDevice(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Device(rs.getLong("id"), rs.getString("codename"), rs.getString("name"),
                rs.getString("manufacturer"), rs.getBoolean("maintained"), rs.getBoolean("visible"),
                rs.getString("note"), rs.getString("release_type"));
    }

    private static OtaBuild mapBuild(ResultSet rs, StatementContext ctx) throws SQLException {
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
