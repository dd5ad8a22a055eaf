package dev.depot.ota;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for devices, variants, x86 types and maintainers: the tables {@link DeviceService} owns. */
public final class DeviceRepository {
    private static final String DEVICE_COLUMNS = "id, codename, name, manufacturer, maintained, visible, note, release_type";

    private final Jdbi jdbi;

    public DeviceRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long insertDevice(String codename, String name, String manufacturer, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO devices (codename, name, manufacturer, created_at)
                        VALUES (:codename, :name, :manufacturer, :now) RETURNING id""")
                .bind("codename", codename).bind("name", name).bind("manufacturer", manufacturer).bind("now", now)
                .mapTo(Long.class).one());
    }

    void updateDevice(Device d) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE devices SET name = :name, manufacturer = :manufacturer, maintained = :maintained,
                            visible = :visible, note = :note, release_type = :releaseType
                        WHERE id = :id""")
                .bind("name", d.name()).bind("manufacturer", d.manufacturer()).bind("maintained", d.maintained())
                .bind("visible", d.visible()).bind("note", d.note()).bind("releaseType", d.releaseType()).bind("id", d.id())
                .execute());
    }

    Optional<Device> device(String codename) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE codename = :codename")
                .bind("codename", codename).map(DeviceRepository::mapDevice).findOne());
    }

    List<Device> devices() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices ORDER BY codename")
                .map(DeviceRepository::mapDevice).list());
    }

    /** What the public may see of devices, spelled once. */
    private static final String VISIBLE = "visible = TRUE";

    List<Device> visibleDevices() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE " + VISIBLE
                        + " ORDER BY codename")
                .map(DeviceRepository::mapDevice).list());
    }

    /**
     * A page of visible devices as the home page lists them (by maker, then name): maintained ones
     * only unless {@code unmaintained}, those whose codename, name or maker contains {@code query}
     * (any case; empty: all).
     */
    List<Device> visiblePage(String query, boolean unmaintained, int offset, int limit) {
        String like = "%" + query.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbi.withHandle(h -> h.createQuery(visiblePageSql(unmaintained, !query.isEmpty()))
                .bind("like", like).bind("limit", limit).bind("offset", offset)
                .map(DeviceRepository::mapDevice).list());
    }

    /** The query of {@link #visiblePage}. */
    static String visiblePageSql(boolean unmaintained, boolean search) {
        return "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE " + VISIBLE + (unmaintained ? "" : " AND maintained = TRUE")
                + (search ? " AND lower(codename || ' ' || name || ' ' || manufacturer) LIKE :like ESCAPE '\\'" : "")
                + " ORDER BY lower(manufacturer), lower(name), codename LIMIT :limit OFFSET :offset";
    }

    Optional<Device> visibleDevice(String codename) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE codename = :codename AND "
                        + VISIBLE)
                .bind("codename", codename).map(DeviceRepository::mapDevice).findOne());
    }

    long insertVariant(String codename, String description, String releaseType, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO variants (codename, description, release_type, created_at)
                        VALUES (:codename, :description, :releaseType, :now) RETURNING id""")
                .bind("codename", codename).bind("description", description).bind("releaseType", releaseType)
                .bind("now", now).mapTo(Long.class).one());
    }

    List<Variant> variants() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, codename, description, release_type FROM variants ORDER BY codename")
                .map((rs, ctx) -> new Variant(rs.getLong("id"), rs.getString("codename"), rs.getString("description"),
                        rs.getString("release_type"))).list());
    }

    Optional<Variant> variant(String codename) {
        return variants().stream().filter(v -> v.codename().equals(codename)).findFirst();
    }

    void insertX86Type(String codename, String description) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO x86_types (codename, description) VALUES (:codename, :description)")
                .bind("codename", codename).bind("description", description).execute());
    }

    List<String> x86Types() {
        return jdbi.withHandle(h -> h.createQuery("SELECT codename FROM x86_types ORDER BY codename").mapTo(String.class).list());
    }

    boolean addMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO device_maintainers (device_id, user_id) VALUES (:device, :user)
                        ON CONFLICT DO NOTHING""")
                .bind("device", deviceId).bind("user", userId).execute()) > 0;
    }

    boolean removeMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM device_maintainers WHERE device_id = :device AND user_id = :user")
                .bind("device", deviceId).bind("user", userId).execute()) > 0;
    }

    boolean isMaintainer(long deviceId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM device_maintainers WHERE device_id = :device AND user_id = :user""")
                .bind("device", deviceId).bind("user", userId).mapTo(Integer.class).one()) > 0;
    }

    /** Pairs of (user id, device codename) for every maintainer assignment. */
    List<Map.Entry<Long, String>> maintainedDevices() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT m.user_id, d.codename FROM device_maintainers m JOIN devices d ON d.id = m.device_id
                        ORDER BY d.codename""")
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list());
    }

    private static Device mapDevice(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Device(rs.getLong("id"), rs.getString("codename"), rs.getString("name"), rs.getString("manufacturer"),
                rs.getBoolean("maintained"), rs.getBoolean("visible"), rs.getString("note"), rs.getString("release_type"));
    }
}
