package dev.depot.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for organizations, memberships, apps and app builds. */
final class CatalogRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_SELECT = "SELECT a.id, a.organization_id, o.slug AS org_slug, a.slug, a.name, "
            + "a.platform, a.package_name, a.created_at FROM apps a JOIN organizations o ON o.id = a.organization_id ";
    private static final String BUILD_COLUMNS = "id, app_id, kind, file_name, size, sha256, md5, status, enabled, "
            + "changelog, tags, version, version_code, facts, error, created_at, processed_at";

    private final Jdbi jdbi;
    private final String lockSuffix;

    CatalogRepository(Jdbi jdbi, dev.depot.db.Dialect dialect) {
        this.jdbi = jdbi;
        this.lockSuffix = dialect == dev.depot.db.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    }

    <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    /**
     * The app build, its row locked until the transaction ends (SQLite's IMMEDIATE transactions
     * lock the whole database anyway): whatever changes whether a build may be published locks it
     * first, so publishing, disabling and deleting one build happen one after another.
     */
    Optional<AppBuild> lockBuild(Handle h, long buildId) {
        return h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE id = :id AND app_id IS NOT NULL" + lockSuffix)
                .bind("id", buildId).map(CatalogRepository::mapBuild).findOne();
    }

    /** The app's builds, their rows locked, in id order (the order every transaction locks them in). */
    List<AppBuild> lockBuildsOfApp(Handle h, long appId) {
        return h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE app_id = :a ORDER BY id" + lockSuffix)
                .bind("a", appId).map(CatalogRepository::mapBuild).list();
    }

    long insertOrganization(String slug, String name, long now) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO organizations (slug, name, created_at) VALUES (:s, :n, :now) "
                + "RETURNING id").bind("s", slug).bind("n", name).bind("now", now).mapTo(Long.class).one());
    }

    Optional<Organization> organization(String slug) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, slug, name, created_at FROM organizations WHERE slug = :s")
                .bind("s", slug).map(CatalogRepository::mapOrg).findOne());
    }

    List<Organization> organizations() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, slug, name, created_at FROM organizations ORDER BY slug")
                .map(CatalogRepository::mapOrg).list());
    }

    List<Organization> organizationsOf(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT o.id, o.slug, o.name, o.created_at FROM organizations o "
                        + "JOIN memberships m ON m.organization_id = o.id WHERE m.user_id = :u ORDER BY o.slug")
                .bind("u", userId).map(CatalogRepository::mapOrg).list());
    }

    Optional<Role> role(long orgId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE organization_id = :o AND user_id = :u")
                .bind("o", orgId).bind("u", userId).mapTo(String.class).findOne().map(Role::parse));
    }

    void putMember(long orgId, long userId, Role role) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO memberships (organization_id, user_id, role) VALUES (:o, :u, :r) "
                        + "ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role")
                .bind("o", orgId).bind("u", userId).bind("r", role.wireName()).execute());
    }

    boolean removeMember(long orgId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM memberships WHERE organization_id = :o AND user_id = :u")
                .bind("o", orgId).bind("u", userId).execute()) > 0;
    }

    List<Map.Entry<String, Role>> members(long orgId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.username, m.role FROM memberships m JOIN users u "
                        + "ON u.id = m.user_id WHERE m.organization_id = :o ORDER BY u.username")
                .bind("o", orgId).map((rs, ctx) -> Map.entry(rs.getString(1), Role.parse(rs.getString(2)))).list());
    }

    long countOwners(long orgId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM memberships WHERE organization_id = :o AND role = 'owner'")
                .bind("o", orgId).mapTo(Long.class).one());
    }

    long insertApp(long orgId, String slug, String name, String platform, String packageName, long now) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO apps (organization_id, slug, name, platform, package_name, "
                        + "created_at) VALUES (:o, :s, :n, :p, :pkg, :now) RETURNING id")
                .bind("o", orgId).bind("s", slug).bind("n", name).bind("p", platform).bind("pkg", packageName)
                .bind("now", now).mapTo(Long.class).one());
    }

    Optional<App> app(long orgId, String slug) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.organization_id = :o AND a.slug = :s")
                .bind("o", orgId).bind("s", slug).map(CatalogRepository::mapApp).findOne());
    }

    Optional<App> app(long appId) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.id = :id")
                .bind("id", appId).map(CatalogRepository::mapApp).findOne());
    }

    List<App> apps(long orgId) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.organization_id = :o ORDER BY a.slug")
                .bind("o", orgId).map(CatalogRepository::mapApp).list());
    }

    void deleteApp(Handle h, long appId) {
        h.createUpdate("DELETE FROM apps WHERE id = :id").bind("id", appId).execute();
    }

    /** Inserts a pending build and runs {@code alsoInTransaction} with its id in the same transaction. */
    long insertBuild(long appId, BuildKind kind, String fileName, long size, String sha256, String md5,
                     String changelog, List<String> tags, String versionName, long uploadedBy, long now, String uploadId,
                     java.util.function.ObjLongConsumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("INSERT INTO builds (kind, file_name, size, sha256, md5, status, enabled, "
                            + "changelog, tags, version, app_id, uploaded_by, created_at, upload_id) VALUES (:k, :f, :s, :sha, "
                            + ":md5, 'pending', TRUE, :c, :t, :v, :a, :u, :now, :up) RETURNING id")
                    .bind("k", kind.wireName()).bind("f", fileName).bind("s", size).bind("sha", sha256).bind("md5", md5)
                    .bind("c", changelog).bind("t", String.join(",", tags)).bind("v", versionName).bind("a", appId)
                    .bind("u", uploadedBy).bind("now", now).bind("up", uploadId).mapTo(Long.class).one();
            alsoInTransaction.accept(h, id);
            return id;
        });
    }

    /** The app build an upload became. */
    Optional<AppBuild> buildOfUpload(String uploadId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE upload_id = :u "
                        + "AND app_id IS NOT NULL")
                .bind("u", uploadId).map(CatalogRepository::mapBuild).findOne());
    }

    Optional<AppBuild> build(long appId, long buildId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE id = :id AND app_id = :a")
                .bind("id", buildId).bind("a", appId).map(CatalogRepository::mapBuild).findOne());
    }

    Optional<AppBuild> build(long buildId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE id = :id AND app_id IS NOT NULL")
                .bind("id", buildId).map(CatalogRepository::mapBuild).findOne());
    }

    List<AppBuild> builds(long appId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + BUILD_COLUMNS + " FROM builds WHERE app_id = :a "
                        + "ORDER BY created_at DESC, id DESC")
                .bind("a", appId).map(CatalogRepository::mapBuild).list());
    }

    void updateBuild(Handle h, long buildId, boolean enabled, String changelog, List<String> tags) {
        h.createUpdate("UPDATE builds SET enabled = :e, changelog = :c, tags = :t WHERE id = :id")
                .bind("e", enabled).bind("c", changelog).bind("t", String.join(",", tags)).bind("id", buildId).execute();
    }

    /** Moves a build from one status to another; false when it was not in {@code from}. */
    boolean transition(long buildId, String from, String to) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE builds SET status = :to WHERE id = :id AND status = :from")
                .bind("to", to).bind("from", from).bind("id", buildId).execute()) > 0;
    }

    void markProcessed(long buildId, String facts, String versionName, Long versionCode, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET status = 'processed', facts = :f, version = COALESCE(:v, version), "
                        + "version_code = :vc, error = NULL, processed_at = :now WHERE id = :id")
                .bind("f", facts).bind("v", versionName).bind("vc", versionCode).bind("now", now).bind("id", buildId)
                .execute());
    }

    void markError(long buildId, String error, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE builds SET status = 'error', error = :e, processed_at = :now WHERE id = :id")
                .bind("e", error).bind("now", now).bind("id", buildId).execute());
    }

    void deleteBuild(Handle h, long buildId) {
        h.createUpdate("DELETE FROM builds WHERE id = :id").bind("id", buildId).execute();
    }

    /** Builds whose file is these bytes, or whose facts name them (a universal APK made from a bundle). */
    long buildsReferencing(String sha256) {
        // the feed's links must keep working for a week, so a feed sample is a reference too
        return jdbi.withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM builds WHERE sha256 = :s OR facts LIKE :like) "
                        + "+ (SELECT COUNT(*) FROM feed_receipts WHERE sha256 = :s)")
                .bind("s", sha256).bind("like", "%" + sha256 + "%").mapTo(Long.class).one());
    }

    private static Organization mapOrg(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Organization(rs.getLong("id"), rs.getString("slug"), rs.getString("name"), rs.getLong("created_at"));
    }

    private static App mapApp(ResultSet rs, StatementContext ctx) throws SQLException {
        return new App(rs.getLong("id"), rs.getLong("organization_id"), rs.getString("org_slug"), rs.getString("slug"),
                rs.getString("name"), rs.getString("platform"), rs.getString("package_name"), rs.getLong("created_at"));
    }

    static Map<String, Object> parseFacts(String json) {
        try {
            return json == null || json.isEmpty() ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static AppBuild mapBuild(ResultSet rs, StatementContext ctx) throws SQLException {
        long vc = rs.getLong("version_code");
        Long versionCode = rs.wasNull() ? null : vc;
        long pa = rs.getLong("processed_at");
        Long processedAt = rs.wasNull() ? null : pa;
        String tags = rs.getString("tags");
        List<String> tagList = tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(","));
        return new AppBuild(rs.getLong("id"), rs.getLong("app_id"), BuildKind.parse(rs.getString("kind")),
                rs.getString("file_name"), rs.getLong("size"), rs.getString("sha256"), rs.getString("md5"),
                rs.getString("status"), rs.getBoolean("enabled"), rs.getString("changelog"), List.copyOf(tagList),
                rs.getString("version"), versionCode, parseFacts(rs.getString("facts")), rs.getString("error"),
                rs.getLong("created_at"), processedAt);
    }
}
