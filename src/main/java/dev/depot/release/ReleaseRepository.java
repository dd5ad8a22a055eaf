package dev.depot.release;

import dev.depot.db.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for channels, releases, their events and their failures by reason: the tables {@link ReleaseService} owns. */
public final class ReleaseRepository {
    private static final String CHANNEL_COLUMNS = "c.id AS c_id, c.device_id, c.app_id, c.name, c.stability, c.is_default, c.created_at AS c_created_at";
    private static final String RELEASE_SELECT = "SELECT r.*, " + CHANNEL_COLUMNS
            + " FROM releases r JOIN channels c ON c.id = r.channel_id ";

    /** How many of a channel's newest offering releases an offer looks through. */
    static final int OFFER_DEPTH = 20;

    private final Jdbi jdbi;
    private final Dialect dialect;

    public ReleaseRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    List<Channel> channels(ReleaseTarget target) {
        return jdbi.withHandle(h -> channels(h, target));
    }

    List<Channel> channels(Handle h, ReleaseTarget target) {
        return h.createQuery("SELECT " + CHANNEL_COLUMNS + " FROM channels c WHERE c." + target.column()
                        + " = :target ORDER BY c.stability, c.name")
                .bind("target", target.id()).map(ReleaseRepository::channel).list();
    }

    long insertChannel(Handle h, ReleaseTarget target, String name, int stability, boolean isDefault, long now) {
        return h.createQuery("INSERT INTO channels (" + target.column() + ", name, stability, is_default, created_at)"
                        + " VALUES (:target, :name, :stability, :isDefault, :now) RETURNING id")
                .bind("target", target.id()).bind("name", name).bind("stability", stability).bind("isDefault", isDefault)
                .bind("now", now).mapTo(Long.class).one();
    }

    void updateChannel(Handle h, long channelId, int stability) {
        h.createUpdate("UPDATE channels SET stability = :stability WHERE id = :id")
                .bind("stability", stability).bind("id", channelId).execute();
    }

    /** Makes {@code channelId} the one default channel of its target. */
    void setDefault(Handle h, ReleaseTarget target, long channelId) {
        h.createUpdate("UPDATE channels SET is_default = (id = :id) WHERE " + target.column() + " = :target")
                .bind("id", channelId).bind("target", target.id()).execute();
    }

    /** Locks the target's channels (its first one's row) so two releases to it queue. */
    void lockChannels(Handle h, ReleaseTarget target) {
        h.createQuery("SELECT id FROM channels WHERE " + target.column() + " = :target ORDER BY id" + dialect.rowLock())
                .bind("target", target.id()).mapTo(Long.class).list();
    }

    long insertRelease(Handle h, long channelId, long buildId, ReleaseState state, int basisPoints, boolean allowDowngrade,
                       HaltRule rule, Long userId, long now) {
        return h.createQuery("""
                        INSERT INTO releases (channel_id, build_id, state, basis_points, allow_downgrade,
                            failure_threshold_bp, min_finished, created_by, created_at, updated_at)
                        VALUES (:channel, :build, :state, :bp, :downgrade, :threshold, :minFinished, :user, :now, :now)
                        RETURNING id""")
                .bind("channel", channelId).bind("build", buildId).bind("state", state.wireName()).bind("bp", basisPoints)
                .bind("downgrade", allowDowngrade).bind("threshold", rule.thresholdBp()).bind("minFinished", rule.minFinished())
                .bind("user", userId).bind("now", now).mapTo(Long.class).one();
    }

    Optional<Release> release(long id) {
        return jdbi.withHandle(h -> release(h, id, false));
    }

    /** The release, its row locked until the transaction ends (reports and people change it one at a time). */
    Optional<Release> lockRelease(Handle h, long id) {
        return release(h, id, true);
    }

    private Optional<Release> release(Handle h, long id, boolean lock) {
        return h.createQuery(RELEASE_SELECT + "WHERE r.id = :id" + (lock ? dialect.rowLock() : ""))
                .bind("id", id).map(ReleaseRepository::release).findOne();
    }

    /** The target's releases, newest first, at most {@code limit}, older than {@code beforeId} when given. */
    List<Release> releases(ReleaseTarget target, String channelName, Long beforeId, int limit) {
        String where = "WHERE c." + target.column() + " = :target"
                + (channelName == null ? "" : " AND c.name = :channel")
                + (beforeId == null ? "" : " AND r.id < :before");
        return jdbi.withHandle(h -> h.createQuery(RELEASE_SELECT + where + " ORDER BY r.id DESC LIMIT :limit")
                .bind("target", target.id()).bind("channel", channelName).bind("before", beforeId).bind("limit", limit)
                .map(ReleaseRepository::release).list());
    }

    /** Whether the target has any release at all (else its clients are answered as before channels existed). */
    boolean hasReleases(ReleaseTarget target) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM releases r JOIN channels c ON c.id = r.channel_id WHERE c."
                        + target.column() + " = :target LIMIT 1")
                .bind("target", target.id()).mapTo(Integer.class).findOne().isPresent());
    }

    /**
     * What an offer chooses from, for one channel: its newest releases that offer themselves, each
     * with what the offer needs of its build (published or not, variant, order).
     */
    List<Candidate> candidates(long channelId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT r.*, %s,
                            (b.enabled = TRUE AND b.status = 'processed') AS published, v.codename AS variant, b.x86_type,
                            b.build_date, b.version_code
                        FROM releases r JOIN channels c ON c.id = r.channel_id JOIN builds b ON b.id = r.build_id
                            LEFT JOIN variants v ON v.id = b.variant_id
                        WHERE r.channel_id = :channel AND r.state IN ('rolling', 'complete') ORDER BY r.id DESC LIMIT :depth"""
                        .formatted(CHANNEL_COLUMNS))
                .bind("channel", channelId).bind("depth", OFFER_DEPTH)
                .map((rs, ctx) -> new Candidate(release(rs, ctx), rs.getBoolean("published"), rs.getString("variant"),
                        rs.getString("x86_type"), rs.getString("build_date"), Columns.longOrNull(rs, "version_code")))
                .list());
    }

    /** A release with the name of what it belongs to ({@code device/<codename>} or {@code app/<org>/<slug>}). */
    record Labelled(Release release, String target) {}

    /** The releases under way: rolling, paused or halted, then the newest complete ones; at most {@code limit}. */
    List<Labelled> underWay(int limit) {
        return jdbi.withHandle(h -> h.createQuery(RELEASE_SELECT.replace(" FROM releases r JOIN channels c ON c.id = r.channel_id ",
                        ", d.codename AS device_codename, o.slug AS org_slug, a.slug AS app_slug"
                        + " FROM releases r JOIN channels c ON c.id = r.channel_id LEFT JOIN devices d ON d.id = c.device_id"
                        + " LEFT JOIN apps a ON a.id = c.app_id LEFT JOIN organizations o ON o.id = a.organization_id ")
                        + "WHERE r.state <> 'rolled_back' ORDER BY CASE WHEN r.state = 'complete' THEN 1 ELSE 0 END, r.id DESC"
                        + " LIMIT :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> new Labelled(release(rs, ctx), rs.getString("device_codename") != null
                        ? "device/" + rs.getString("device_codename")
                        : "app/" + rs.getString("org_slug") + "/" + rs.getString("app_slug")))
                .list());
    }

    void setState(Handle h, long id, ReleaseState state, int basisPoints, String haltReason, Long haltedAt, long now) {
        h.createUpdate("""
                        UPDATE releases SET state = :state, basis_points = :bp, halt_reason = :reason, halted_at = :haltedAt,
                            updated_at = :now WHERE id = :id""")
                .bind("state", state.wireName()).bind("bp", basisPoints).bind("reason", haltReason).bind("haltedAt", haltedAt)
                .bind("now", now).bind("id", id).execute();
    }

    /** The halt rule counts from the funnel as it is now (a person resumed the release and accepted what failed). */
    void restartHaltRule(Handle h, long id) {
        h.createUpdate("UPDATE releases SET rule_installed_from = installed, rule_failed_from = failed WHERE id = :id")
                .bind("id", id).execute();
    }

    /** Which device or app a build belongs to, and whether it is published (enabled and processed). */
    Optional<BuildOwner> buildOwner(long buildId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT device_id, app_id, (enabled = TRUE AND status = 'processed') AS published FROM builds WHERE id = :id")
                .bind("id", buildId)
                .map((rs, ctx) -> new BuildOwner(Columns.longOrNull(rs, "device_id"), Columns.longOrNull(rs, "app_id"),
                        rs.getBoolean("published"))).findOne());
    }

    /** The device or app a build belongs to, and whether the public may have it. */
    record BuildOwner(Long deviceId, Long appId, boolean published) {
        boolean belongsTo(ReleaseTarget t) {
            return t.isDevice() ? t.deviceId().equals(deviceId) : t.appId().equals(appId);
        }
    }

    void setHaltRule(Handle h, long id, HaltRule rule, boolean allowDowngrade, long now) {
        h.createUpdate("""
                        UPDATE releases SET failure_threshold_bp = :threshold, min_finished = :minFinished,
                            allow_downgrade = :downgrade, updated_at = :now WHERE id = :id""")
                .bind("threshold", rule.thresholdBp()).bind("minFinished", rule.minFinished()).bind("downgrade", allowDowngrade)
                .bind("now", now).bind("id", id).execute();
    }

    /** Counts an installation once in each step it reached for the first time ({@code newSteps}, a bit each). */
    void addToFunnel(Handle h, long id, int newSteps, int lostSteps) {
        StringBuilder set = new StringBuilder();
        for (ReportStep step : ReportStep.values()) {
            int delta = ((newSteps & step.bit()) != 0 ? 1 : 0) - ((lostSteps & step.bit()) != 0 ? 1 : 0);
            if (delta != 0) {
                set.append(set.isEmpty() ? "" : ", ").append(step.wireName()).append(" = ").append(step.wireName())
                        .append(delta > 0 ? " + 1" : " - 1");
            }
        }
        if (!set.isEmpty()) {
            h.createUpdate("UPDATE releases SET " + set + " WHERE id = :id").bind("id", id).execute();
        }
    }

    void addFailure(Handle h, long id, FailureReason reason, long hour) {
        h.createUpdate("""
                        INSERT INTO release_failures (release_id, reason, hour, failures) VALUES (:id, :reason, :hour, 1)
                        ON CONFLICT (release_id, reason, hour) DO UPDATE SET failures = release_failures.failures + 1""")
                .bind("id", id).bind("reason", reason.wireName()).bind("hour", hour).execute();
    }

    /** Failures of a release by reason and hour (Unix hours), oldest first. */
    List<FailureCount> failures(long id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT reason, hour, failures FROM release_failures WHERE release_id = :id ORDER BY hour, reason")
                .bind("id", id)
                .map((rs, ctx) -> new FailureCount(rs.getString("reason"), rs.getLong("hour"), rs.getLong("failures"))).list());
    }

    void insertEvent(Handle h, long id, String kind, String detail, Long userId, long now) {
        h.createUpdate("""
                        INSERT INTO release_events (release_id, kind, detail, user_id, occurred_at)
                        VALUES (:id, :kind, :detail, :user, :now)""")
                .bind("id", id).bind("kind", kind).bind("detail", detail).bind("user", userId).bind("now", now).execute();
    }

    /** The release's events, oldest first, the newest {@code limit} of them. */
    List<ReleaseEvent> events(long id, int limit) {
        List<ReleaseEvent> newest = jdbi.withHandle(h -> h.createQuery("""
                        SELECT e.id, e.kind, e.detail, u.username, e.occurred_at FROM release_events e
                        LEFT JOIN users u ON u.id = e.user_id WHERE e.release_id = :id ORDER BY e.id DESC LIMIT :limit""")
                .bind("id", id).bind("limit", limit)
                .map((rs, ctx) -> new ReleaseEvent(rs.getLong("id"), id, rs.getString("kind"), rs.getString("detail"),
                        rs.getString("username"), rs.getLong("occurred_at"))).list());
        List<ReleaseEvent> out = new ArrayList<>(newest);
        Collections.reverse(out);
        return out;
    }

    private static Channel channel(ResultSet rs, StatementContext ctx) throws SQLException {
        Long device = Columns.longOrNull(rs, "device_id");
        Long app = Columns.longOrNull(rs, "app_id");
        return new Channel(rs.getLong("c_id"), new ReleaseTarget(device, app), rs.getString("name"), rs.getInt("stability"),
                rs.getBoolean("is_default"), rs.getLong("c_created_at"));
    }

    private static Release release(ResultSet rs, StatementContext ctx) throws SQLException {
        Long haltedAt = Columns.longOrNull(rs, "halted_at");
        return new Release(rs.getLong("id"), channel(rs, ctx), rs.getLong("build_id"), ReleaseState.parse(rs.getString("state")),
                rs.getInt("basis_points"), rs.getBoolean("allow_downgrade"),
                new HaltRule(rs.getInt("failure_threshold_bp"), rs.getInt("min_finished")), rs.getString("halt_reason"),
                haltedAt, rs.getLong("created_at"), rs.getLong("updated_at"),
                new Funnel(rs.getLong("offered"), rs.getLong("downloading"), rs.getLong("downloaded"), rs.getLong("installing"),
                        rs.getLong("installed"), rs.getLong("failed")),
                rs.getLong("rule_installed_from"), rs.getLong("rule_failed_from"));
    }
}
