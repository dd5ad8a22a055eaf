package dev.depot.release;

import dev.depot.db.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for installations, where each stands with each release, and their reports: the tables {@link Installations} owns. */
public final class InstallationRepository {
    private static final String COLUMNS = "id, device_id, app_id, installation_key, token_hash IS NOT NULL AS has_token, channel,"
            + " attributes, first_seen_at, last_seen_at, revoked_at";

    private final Jdbi jdbi;
    private final Dialect dialect;

    public InstallationRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    Optional<Installation> find(ReleaseTarget target, String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM installations WHERE " + target.column()
                        + " = :target AND installation_key = :key")
                .bind("target", target.id()).bind("key", key).map(InstallationRepository::map).findOne());
    }

    Optional<Installation> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM installations WHERE id = :id")
                .bind("id", id).map(InstallationRepository::map).findOne());
    }

    /** The installation, registered now if it was not; two first contacts at once make one row. */
    Installation register(ReleaseTarget target, String key, String channel, long now) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO installations (" + target.column() + ", installation_key, channel, first_seen_at,"
                            + " last_seen_at) VALUES (:target, :key, :channel, :now, :now) ON CONFLICT DO NOTHING")
                    .bind("target", target.id()).bind("key", key).bind("channel", channel).bind("now", now).execute();
            return h.createQuery("SELECT " + COLUMNS + " FROM installations WHERE " + target.column()
                            + " = :target AND installation_key = :key")
                    .bind("target", target.id()).bind("key", key).map(InstallationRepository::map).one();
        });
    }

    /** Sets the token hash if the installation has none yet; false if it already had one. */
    boolean claimToken(long id, String tokenHash) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE installations SET token_hash = :hash WHERE id = :id AND token_hash IS NULL")
                .bind("hash", tokenHash).bind("id", id).execute()) == 1;
    }

    void revokeToken(long id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE installations SET token_hash = NULL WHERE id = :id").bind("id", id).execute());
    }

    boolean tokenMatches(long id, String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT token_hash FROM installations WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne()).map(tokenHash::equals).orElse(false);
    }

    void touch(long id, String channel, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE installations SET last_seen_at = :now, channel = COALESCE(:channel, channel)"
                        + " WHERE id = :id")
                .bind("now", now).bind("channel", channel).bind("id", id).execute());
    }

    void setAttributes(long id, String json, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE installations SET attributes = :json, last_seen_at = :now WHERE id = :id")
                .bind("json", json).bind("now", now).bind("id", id).execute());
    }

    void revoke(long id, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE installations SET revoked_at = :now, token_hash = NULL WHERE id = :id")
                .bind("now", now).bind("id", id).execute());
    }

    /** The target's installations whose key contains {@code search} (all when null), by key, a page after {@code afterKey}. */
    List<Installation> list(ReleaseTarget target, String search, String afterKey, int limit) {
        String where = " WHERE " + target.column() + " = :target"
                + (search == null ? "" : " AND installation_key LIKE :search ESCAPE '\\'")
                + (afterKey == null ? "" : " AND installation_key > :after");
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM installations" + where
                        + " ORDER BY installation_key LIMIT :limit")
                .bind("target", target.id())
                .bind("search", search == null ? null : "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                .bind("after", afterKey).bind("limit", limit).map(InstallationRepository::map).list());
    }

    /** The releases this installation failed and nobody cleared: not offered to it again. */
    Set<Long> failedReleases(long installationId) {
        return jdbi.withHandle(h -> new HashSet<>(h.createQuery(
                        "SELECT release_id FROM installation_releases WHERE installation_id = :id AND failed = TRUE")
                .bind("id", installationId).mapTo(Long.class).list()));
    }

    Optional<Standing> lockStanding(Handle h, long installationId, long releaseId) {
        return h.createQuery("SELECT * FROM installation_releases WHERE installation_id = :i AND release_id = :r" + dialect.rowLock())
                .bind("i", installationId).bind("r", releaseId).map(InstallationRepository::mapStanding).findOne();
    }

    List<Standing> standings(long installationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM installation_releases WHERE installation_id = :i ORDER BY release_id DESC LIMIT :limit")
                .bind("i", installationId).bind("limit", limit).map(InstallationRepository::mapStanding).list());
    }

    void saveStanding(Handle h, Standing s, boolean exists) {
        String sql = exists ? """
                UPDATE installation_releases SET steps = :steps, last_step = :last, progress = :progress,
                    failure_reason = :reason, failed = :failed, cancelled = :cancelled, updated_at = :now
                WHERE installation_id = :i AND release_id = :r""" : """
                INSERT INTO installation_releases (installation_id, release_id, steps, last_step, progress, failure_reason,
                    failed, cancelled, updated_at) VALUES (:i, :r, :steps, :last, :progress, :reason, :failed, :cancelled, :now)""";
        h.createUpdate(sql).bind("i", s.installationId()).bind("r", s.releaseId()).bind("steps", s.steps())
                .bind("last", s.lastStep().wireName()).bind("progress", s.progress()).bind("reason", s.failureReason())
                .bind("failed", s.failed()).bind("cancelled", s.cancelled()).bind("now", s.updatedAt()).execute();
    }

    /** Where the installation stands with one release, if it heard of it. */
    Optional<Standing> standing(long installationId, long releaseId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM installation_releases WHERE installation_id = :i AND release_id = :r")
                .bind("i", installationId).bind("r", releaseId).map(InstallationRepository::mapStanding).findOne());
    }

    /** The installation's newest standing that has not finished, if any (what a DDI device is at). */
    Optional<Standing> unfinished(long installationId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM installation_releases WHERE installation_id = :i AND cancelled = FALSE
                            AND last_step NOT IN ('installed', 'failed') ORDER BY release_id DESC LIMIT 1""")
                .bind("i", installationId).map(InstallationRepository::mapStanding).findOne());
    }

    Optional<String> gatewayTokenHash(long deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT token_hash FROM device_gateway_tokens WHERE device_id = :d")
                .bind("d", deviceId).mapTo(String.class).findOne());
    }

    void setGatewayToken(long deviceId, String hash, long now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO device_gateway_tokens (device_id, token_hash, created_at) VALUES (:d, :hash, :now)
                        ON CONFLICT (device_id) DO UPDATE SET token_hash = :hash, created_at = :now""")
                .bind("d", deviceId).bind("hash", hash).bind("now", now).execute());
    }

    void setChannel(long id, String channel) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE installations SET channel = :channel WHERE id = :id")
                .bind("channel", channel).bind("id", id).execute());
    }

    /** Records a report; false if this installation sent one with the same key before. */
    boolean insertReport(Handle h, long installationId, long releaseId, String reportKey, ReportStep step, Integer progress,
                         String reason, String message, long now) {
        return h.createUpdate("""
                        INSERT INTO installation_reports (installation_id, release_id, report_key, step, progress, reason,
                            message, received_at)
                        VALUES (:i, :r, :key, :step, :progress, :reason, :message, :now) ON CONFLICT DO NOTHING""")
                .bind("i", installationId).bind("r", releaseId).bind("key", reportKey).bind("step", step.wireName())
                .bind("progress", progress).bind("reason", reason).bind("message", message).bind("now", now)
                .execute() == 1;
    }

    /** The installation's reports, newest first. */
    List<Report> reports(long installationId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT release_id, report_key, step, progress, reason, message, received_at FROM installation_reports
                        WHERE installation_id = :i ORDER BY id DESC LIMIT :limit""")
                .bind("i", installationId).bind("limit", limit)
                .map((rs, ctx) -> new Report(rs.getLong("release_id"), rs.getString("report_key"),
                        ReportStep.parse(rs.getString("step")), Columns.intOrNull(rs, "progress"),
                        rs.getString("reason"), rs.getString("message"), rs.getLong("received_at"))).list());
    }

    /** Clears the failures of a release (of one installation, or all): they may be offered it again. */
    int clearFailures(Handle h, long releaseId, Long installationId) {
        return h.createUpdate("UPDATE installation_releases SET failed = FALSE WHERE release_id = :r AND failed = TRUE"
                        + (installationId == null ? "" : " AND installation_id = :i"))
                .bind("r", releaseId).bind("i", installationId).execute();
    }

    /** Forgets reports received before {@code cutoff}; the funnels they were counted in stay. */
    int deleteReportsBefore(long cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM installation_reports WHERE received_at < :cutoff")
                .bind("cutoff", cutoff).execute());
    }

    /** A report as an installation sent it. */
    public record Report(long releaseId, String key, ReportStep step, Integer progress, String reason, String message,
                         long receivedAt) {}

    private static Installation map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Installation(rs.getLong("id"),
                new ReleaseTarget(Columns.longOrNull(rs, "device_id"), Columns.longOrNull(rs, "app_id")),
                rs.getString("installation_key"), rs.getBoolean("has_token"), rs.getString("channel"),
                rs.getString("attributes"), rs.getLong("first_seen_at"), rs.getLong("last_seen_at"),
                Columns.longOrNull(rs, "revoked_at"));
    }

    private static Standing mapStanding(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Standing(rs.getLong("installation_id"), rs.getLong("release_id"), rs.getInt("steps"),
                ReportStep.parse(rs.getString("last_step")), Columns.intOrNull(rs, "progress"),
                rs.getString("failure_reason"), rs.getBoolean("failed"), rs.getBoolean("cancelled"), rs.getLong("updated_at"));
    }
}
