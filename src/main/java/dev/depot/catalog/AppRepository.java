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

/**
 * SQL for {@code apps} (which {@link AppService} owns) and how app builds are read: rows of
 * {@code builds} with an app. Builds are written by {@link dev.depot.builds.BuildRepository}.
 */
public final class AppRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_SELECT = """
            SELECT a.id, a.organization_id, o.slug AS org_slug, a.slug, a.name, a.platform, a.package_name, a.created_at
            FROM apps a JOIN organizations o ON o.id = a.organization_id
            """;
    private static final String BUILD_SELECT = """
            SELECT id, app_id, kind, file_name, size, sha256, md5, sha1, status, enabled, changelog, tags, version, version_code,
                facts, error, created_at, processed_at
            FROM builds
            """;

    private final Jdbi jdbi;

    public AppRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long insertApp(long orgId, String slug, String name, String platform, String packageName, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO apps (organization_id, slug, name, platform, package_name, created_at)
                        VALUES (:org, :slug, :name, :platform, :packageName, :now) RETURNING id""")
                .bind("org", orgId).bind("slug", slug).bind("name", name).bind("platform", platform)
                .bind("packageName", packageName).bind("now", now).mapTo(Long.class).one());
    }

    Optional<App> app(long orgId, String slug) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.organization_id = :org AND a.slug = :slug")
                .bind("org", orgId).bind("slug", slug).map(AppRepository::mapApp).findOne());
    }

    Optional<App> app(long appId) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.id = :id").bind("id", appId).map(AppRepository::mapApp).findOne());
    }

    List<App> apps(long orgId) {
        return jdbi.withHandle(h -> h.createQuery(APP_SELECT + "WHERE a.organization_id = :org ORDER BY a.slug")
                .bind("org", orgId).map(AppRepository::mapApp).list());
    }

    void deleteApp(Handle h, long appId) {
        h.createUpdate("DELETE FROM apps WHERE id = :id").bind("id", appId).execute();
    }

    Optional<AppBuild> build(long buildId) {
        return jdbi.withHandle(h -> build(h, buildId));
    }

    Optional<AppBuild> build(Handle h, long buildId) {
        return h.createQuery(BUILD_SELECT + "WHERE id = :id AND app_id IS NOT NULL").bind("id", buildId)
                .map(AppRepository::mapBuild).findOne();
    }

    Optional<AppBuild> build(long appId, long buildId) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE id = :id AND app_id = :app")
                .bind("id", buildId).bind("app", appId).map(AppRepository::mapBuild).findOne());
    }

    Optional<AppBuild> buildOfUpload(String uploadId) {
        return jdbi.withHandle(h -> h.createQuery(BUILD_SELECT + "WHERE upload_id = :upload AND app_id IS NOT NULL")
                .bind("upload", uploadId).map(AppRepository::mapBuild).findOne());
    }

    /** A page of an app's builds, newest first, after the build {@code before} (null: from the newest). */
    List<AppBuild> builds(long appId, Long before, int limit) {
        return jdbi.withHandle(h -> h.createQuery(buildsSql(before != null))
                .bind("app", appId).bind("before", before).bind("limit", limit).map(AppRepository::mapBuild).list());
    }

    /** The query of {@link #builds(long, Long, int)}. */
    static String buildsSql(boolean after) {
        return BUILD_SELECT + "WHERE app_id = :app "
                + (after ? "AND (created_at, id) < (SELECT o.created_at, o.id FROM builds o WHERE o.id = :before) " : "")
                + "ORDER BY created_at DESC, id DESC LIMIT :limit";
    }

    static Map<String, Object> parseFacts(String json) {
        try {
            return json == null || json.isEmpty() ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static App mapApp(ResultSet rs, StatementContext ctx) throws SQLException {
        return new App(rs.getLong("id"), rs.getLong("organization_id"), rs.getString("org_slug"), rs.getString("slug"),
                rs.getString("name"), rs.getString("platform"), rs.getString("package_name"), rs.getLong("created_at"));
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
                rs.getString("sha1"), rs.getString("status"), rs.getBoolean("enabled"), rs.getString("changelog"), List.copyOf(tagList),
                rs.getString("version"), versionCode, parseFacts(rs.getString("facts")), rs.getString("error"),
                rs.getLong("created_at"), processedAt);
    }
}
