package dev.depot.repository;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.db.Dialect;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for repositories, their entries, revisions and changes. */
public final class RepositoryTables {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, organization_id, name, title, description, revision, state_hash, state_sum, "
            + "entries_count, created_at, updated_at";
    private static final String ENTRY_SELECT = "SELECT e.build_id, e.package_name, e.version_code, e.signer, "
            + "e.published_revision, e.published_at, p.first_published_at, b.version, b.size, b.sha256, b.file_name, b.facts "
            + "FROM repository_entries e JOIN builds b ON b.id = e.build_id LEFT JOIN repository_packages p "
            + "ON p.repository_id = e.repository_id AND p.package_name = e.package_name ";

    private final Jdbi jdbi;
    private final String lockSuffix;

    public RepositoryTables(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.lockSuffix = dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    }

    Jdbi jdbi() { return jdbi; }

    long insert(long orgId, String name, String title, String description, String hash, long now) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("INSERT INTO repositories (organization_id, name, title, description, revision, "
                            + "state_hash, state_sum, entries_count, created_at, updated_at) VALUES (:o, :n, :t, :d, 0, :h, "
                            + ":s, 0, :now, :now) RETURNING id")
                    .bind("o", orgId).bind("n", name).bind("t", title).bind("d", description).bind("h", hash)
                    .bind("s", StateHash.EMPTY_SUM).bind("now", now).mapTo(Long.class).one();
            insertRevision(h, id, 0, hash, 0, now);
            return id;
        });
    }

    Optional<Repository> byName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM repositories WHERE name = :n")
                .bind("n", name).map(RepositoryTables::map).findOne());
    }

    List<Repository> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM repositories ORDER BY name")
                .map(RepositoryTables::map).list());
    }

    List<Repository> ofOrganization(long orgId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM repositories WHERE organization_id = :o ORDER BY name")
                .bind("o", orgId).map(RepositoryTables::map).list());
    }

    /** The repository row, locked until the transaction ends (SQLite's IMMEDIATE transactions lock anyway). */
    Repository lock(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM repositories WHERE id = :id" + lockSuffix)
                .bind("id", id).map(RepositoryTables::map).one();
    }

    boolean hasEntry(Handle h, long repoId, long buildId) {
        return h.createQuery("SELECT COUNT(*) FROM repository_entries WHERE repository_id = :r AND build_id = :b")
                .bind("r", repoId).bind("b", buildId).mapTo(Integer.class).one() > 0;
    }

    /** Adds a version, and its app when the repository never held it before, both as published {@code now}. */
    void insertEntry(Handle h, long repoId, long buildId, String pkg, long versionCode, String signer, long revision, long now) {
        h.createUpdate("INSERT INTO repository_entries (repository_id, build_id, package_name, version_code, signer, "
                        + "published_revision, published_at) VALUES (:r, :b, :p, :v, :s, :rev, :now)")
                .bind("r", repoId).bind("b", buildId).bind("p", pkg).bind("v", versionCode).bind("s", signer)
                .bind("rev", revision).bind("now", now).execute();
        h.createUpdate("INSERT INTO repository_packages (repository_id, package_name, first_published_at) "
                        + "VALUES (:r, :p, :now) ON CONFLICT (repository_id, package_name) DO NOTHING")
                .bind("r", repoId).bind("p", pkg).bind("now", now).execute();
    }

    void deleteEntry(Handle h, long repoId, long buildId) {
        h.createUpdate("DELETE FROM repository_entries WHERE repository_id = :r AND build_id = :b")
                .bind("r", repoId).bind("b", buildId).execute();
    }

    void insertChange(Handle h, long repoId, long revision, long buildId, String change, String pkg, long versionCode) {
        h.createUpdate("INSERT INTO repository_changes (repository_id, revision, build_id, change, package_name, version_code) "
                        + "VALUES (:r, :rev, :b, :c, :p, :v)")
                .bind("r", repoId).bind("rev", revision).bind("b", buildId).bind("c", change).bind("p", pkg)
                .bind("v", versionCode).execute();
    }

    void insertRevision(Handle h, long repoId, long revision, String hash, int entries, long now) {
        h.createUpdate("INSERT INTO repository_revisions (repository_id, revision, state_hash, entries_count, created_at) "
                        + "VALUES (:r, :rev, :h, :n, :now)")
                .bind("r", repoId).bind("rev", revision).bind("h", hash).bind("n", entries).bind("now", now).execute();
    }

    void advance(Handle h, long repoId, long revision, String hash, String sum, int entries, long now) {
        h.createUpdate("UPDATE repositories SET revision = :rev, state_hash = :h, state_sum = :s, entries_count = :n, "
                        + "updated_at = :now WHERE id = :r")
                .bind("rev", revision).bind("h", hash).bind("s", sum).bind("n", entries).bind("now", now).bind("r", repoId)
                .execute();
    }

    /**
     * The packages that changed after {@code revision} (a version added or removed, even when it
     * came back), or empty when the changes just after it are no longer kept.
     */
    Optional<Set<String>> packagesChangedSince(long repoId, long revision) {
        return jdbi.withHandle(h -> {
            Long firstKept = h.createQuery("SELECT MIN(revision) FROM repository_revisions WHERE repository_id = :r")
                    .bind("r", repoId).mapTo(Long.class).findOne().orElse(null);
            if (firstKept == null || firstKept > revision + 1) {
                return Optional.empty();
            }
            return Optional.of(Set.copyOf(h.createQuery("SELECT DISTINCT package_name FROM repository_changes "
                            + "WHERE repository_id = :r AND revision > :rev")
                    .bind("r", repoId).bind("rev", revision).mapTo(String.class).list()));
        });
    }

    /** Removes revisions and changes older than {@code firstKept}. */
    void prune(Handle h, long repoId, long firstKept) {
        h.createUpdate("DELETE FROM repository_changes WHERE repository_id = :r AND revision < :k")
                .bind("r", repoId).bind("k", firstKept).execute();
        h.createUpdate("DELETE FROM repository_revisions WHERE repository_id = :r AND revision < :k")
                .bind("r", repoId).bind("k", firstKept).execute();
    }

    /** The latest kept revision whose state had this hash. */
    Optional<Long> revisionOf(long repoId, String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT MAX(revision) FROM repository_revisions WHERE repository_id = :r "
                        + "AND state_hash = :h")
                .bind("r", repoId).bind("h", hash).mapTo(Long.class).findOne());
    }

    /** Net changes after {@code revision}: +1 entered, -1 left (entries that came and went are dropped). */
    List<Map.Entry<Delta.Change, Integer>> netChangesSince(long repoId, long revision) {
        return jdbi.withHandle(h -> h.createQuery("SELECT build_id, package_name, version_code, "
                        + "SUM(CASE WHEN change = 'added' THEN 1 ELSE -1 END) AS net FROM repository_changes "
                        + "WHERE repository_id = :r AND revision > :rev GROUP BY build_id, package_name, version_code "
                        + "HAVING SUM(CASE WHEN change = 'added' THEN 1 ELSE -1 END) <> 0 ORDER BY package_name, version_code")
                .bind("r", repoId).bind("rev", revision)
                .map((rs, ctx) -> Map.entry(new Delta.Change(rs.getLong(1), rs.getString(2), rs.getLong(3)), rs.getInt(4)))
                .list());
    }

    /** Counts of the net changes after {@code revision}: [added, removed]. */
    long[] netCountsSince(long repoId, long revision) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(CASE WHEN net > 0 THEN 1 ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN net < 0 THEN 1 ELSE 0 END), 0) FROM (SELECT build_id, "
                        + "SUM(CASE WHEN change = 'added' THEN 1 ELSE -1 END) AS net FROM repository_changes "
                        + "WHERE repository_id = :r AND revision > :rev GROUP BY build_id) t")
                .bind("r", repoId).bind("rev", revision)
                .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).one());
    }

    List<RepositoryEntry> entries(long repoId) {
        return jdbi.withHandle(h -> entries(h, repoId));
    }

    List<RepositoryEntry> entries(Handle h, long repoId) {
        return h.createQuery(ENTRY_SELECT + "WHERE e.repository_id = :r ORDER BY e.package_name, "
                        + "e.version_code DESC").bind("r", repoId).map(RepositoryTables::mapEntry).list();
    }

    List<RepositoryEntry> entriesOfPackage(long repoId, String pkg) {
        return jdbi.withHandle(h -> h.createQuery(ENTRY_SELECT + "WHERE e.repository_id = :r AND e.package_name = :p "
                        + "ORDER BY e.version_code DESC").bind("r", repoId).bind("p", pkg).map(RepositoryTables::mapEntry).list());
    }

    Optional<RepositoryEntry> entry(long repoId, long buildId) {
        return jdbi.withHandle(h -> entry(h, repoId, buildId));
    }

    Optional<RepositoryEntry> entry(Handle h, long repoId, long buildId) {
        return h.createQuery(ENTRY_SELECT + "WHERE e.repository_id = :r AND e.build_id = :b")
                .bind("r", repoId).bind("b", buildId).map(RepositoryTables::mapEntry).findOne();
    }

    /** The repositories holding the build, in id order (the order every transaction locks them in). */
    List<Long> repositoriesHolding(Handle h, long buildId) {
        return h.createQuery("SELECT repository_id FROM repository_entries WHERE build_id = :b ORDER BY repository_id")
                .bind("b", buildId).mapTo(Long.class).list();
    }

    Optional<Repository> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM repositories WHERE id = :id")
                .bind("id", id).map(RepositoryTables::map).findOne());
    }

    private static Repository map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Repository(rs.getLong("id"), rs.getLong("organization_id"), rs.getString("name"), rs.getString("title"),
                rs.getString("description"), rs.getLong("revision"), rs.getString("state_hash"), rs.getString("state_sum"),
                rs.getInt("entries_count"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static RepositoryEntry mapEntry(ResultSet rs, StatementContext ctx) throws SQLException {
        Facts facts = facts(rs.getString("facts"));
        return new RepositoryEntry(rs.getLong("build_id"), rs.getString("package_name"), rs.getLong("version_code"),
                rs.getString("version"), rs.getLong("size"), rs.getString("sha256"), rs.getString("signer"),
                rs.getString("file_name"), facts.label(), facts.minSdk(), facts.targetSdk(), rs.getLong("published_revision"),
                facts.iconPath(), rs.getLong("published_at"),
                rs.getObject("first_published_at") == null ? rs.getLong("published_at") : rs.getLong("first_published_at"),
                facts.signerSig(), facts.iconSha256());
    }

    /** What an entry needs of its build's inspection facts. */
    private record Facts(String label, Integer minSdk, Integer targetSdk, String iconPath, String iconSha256, String signerSig) {}

    private static final Facts NO_FACTS = new Facts(null, null, null, null, null, null);

    /**
     * Reads those few fields of the facts, skipping the rest unread into objects (a whole
     * repository's entries are read for every index, and the facts hold every permission and
     * feature of the APK).
     */
    private static Facts facts(String json) {
        if (json == null || json.isEmpty()) {
            return NO_FACTS;
        }
        String label = null;
        String iconPath = null;
        String iconSha256 = null;
        String signerSig = null;
        Integer minSdk = null;
        Integer targetSdk = null;
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NO_FACTS;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "label" -> label = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    case "iconPath" -> iconPath = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    case "iconSha256" -> iconSha256 = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
                    case "minSdk" -> minSdk = t.isNumeric() ? Integer.valueOf(p.getIntValue()) : skipInt(p);
                    case "targetSdk" -> targetSdk = t.isNumeric() ? Integer.valueOf(p.getIntValue()) : skipInt(p);
                    case "signing" -> signerSig = t == JsonToken.START_OBJECT ? firstSig(p) : skip(p);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return NO_FACTS;
        }
        return new Facts(label, minSdk, targetSdk, iconPath, iconSha256, signerSig);
    }

    /** The first of {@code signing.signerSig}, the parser on the object's start; leaves it at the object's end. */
    private static String firstSig(JsonParser p) throws IOException {
        String first = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("signerSig") && t == JsonToken.START_ARRAY) {
                JsonToken element = p.nextToken();
                if (element != JsonToken.END_ARRAY) {
                    first = element.isScalarValue() ? p.getText() : p.readValueAsTree().toString();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return first;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Integer skipInt(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
