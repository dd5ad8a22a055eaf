package dev.depot.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code upload_sessions}. */
public final class UploadRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, user_id, protocol, file_name, upload_offset, total_length, status, "
            + "created_at, completed_at, expires_at, metadata, sha256, md5, sha1";
    /** A completion claim that binds: held by a node whose heartbeat is fresh ({@code :live}). */
    private static final String LIVE_CLAIM = "finalizing_node IN (SELECT id FROM nodes WHERE heartbeat_at >= :live)";
    private final Jdbi jdbi;

    public UploadRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(UploadSession s) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO upload_sessions (" + COLUMNS + ") VALUES (:id, :u, :p, :f, "
                        + ":o, :t, :s, :c, NULL, :e, :m, NULL, NULL, NULL)")
                .bind("id", s.id()).bind("u", s.userId()).bind("p", s.protocol()).bind("f", s.fileName())
                .bind("o", s.offset()).bind("t", s.totalLength()).bind("s", s.status()).bind("c", s.createdAt())
                .bind("e", s.expiresAt()).bind("m", toJson(s.metadata())).execute());
    }

    Optional<UploadSession> byId(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM upload_sessions WHERE id = :id")
                .bind("id", id).map(UploadRepository::map).findOne());
    }

    List<UploadSession> byUser(long userId, String protocol) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM upload_sessions WHERE user_id = :u "
                        + "AND protocol = :p ORDER BY created_at")
                .bind("u", userId).bind("p", protocol).map(UploadRepository::map).list());
    }

    /** One chunk of an upload kept in shared storage. */
    record Chunk(long start, long length, String object) {}

    /**
     * Moves the offset only if nobody else moved it first (and no node is completing the upload);
     * with {@code object}, records the chunk stored under that name in the same transaction.
     */
    boolean advance(String id, long expectedOffset, long newOffset, Long totalLength, String object) {
        return jdbi.inTransaction(h -> {
            boolean moved = h.createUpdate("UPDATE upload_sessions SET upload_offset = :n, "
                            + "total_length = COALESCE(total_length, :t) WHERE id = :id AND upload_offset = :o AND status = 1 "
                            + "AND finalizing_node IS NULL")
                    .bind("n", newOffset).bind("t", totalLength).bind("id", id).bind("o", expectedOffset)
                    .execute() == 1;
            if (moved && object != null) {
                h.createUpdate("INSERT INTO upload_chunks (upload_id, start_offset, length, object_name) "
                                + "VALUES (:id, :s, :l, :o)")
                        .bind("id", id).bind("s", expectedOffset).bind("l", newOffset - expectedOffset).bind("o", object)
                        .execute();
            }
            return moved;
        });
    }

    List<Chunk> chunks(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT start_offset, length, object_name FROM upload_chunks "
                        + "WHERE upload_id = :id ORDER BY start_offset")
                .bind("id", id).map((rs, ctx) -> new Chunk(rs.getLong(1), rs.getLong(2), rs.getString(3))).list());
    }

    void deleteChunks(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM upload_chunks WHERE upload_id = :id").bind("id", id).execute());
    }

    /** Moves the offset back to what the staged bytes hold, if nobody moved it meanwhile. */
    boolean rewind(String id, long expectedOffset, long newOffset) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE upload_sessions SET upload_offset = :n WHERE id = :id "
                        + "AND upload_offset = :o AND status = 1 AND finalizing_node IS NULL")
                .bind("n", newOffset).bind("id", id).bind("o", expectedOffset).execute()) == 1;
    }

    /**
     * Marks the upload as being completed by {@code node}; false when a live node holds it. The
     * claim of a node that is gone (no row, or a stale heartbeat) is taken over.
     */
    boolean claim(String id, long now, String node, long liveSince) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE upload_sessions SET finalizing_since = :now, "
                        + "finalizing_node = :node WHERE id = :id AND status = 1 AND (finalizing_node IS NULL OR NOT "
                        + LIVE_CLAIM + ")")
                .bind("now", now).bind("node", node).bind("id", id).bind("live", liveSince).execute()) == 1;
    }

    /** Lets the upload take chunks and be completed again, after completing it failed for a passing reason. */
    void releaseClaim(String id, String node) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE upload_sessions SET finalizing_since = NULL, finalizing_node = NULL "
                        + "WHERE id = :id AND finalizing_node = :node")
                .bind("id", id).bind("node", node).execute());
    }

    boolean claimedByLiveNode(String id, long liveSince) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM upload_sessions WHERE id = :id AND " + LIVE_CLAIM)
                .bind("id", id).bind("live", liveSince).mapTo(Integer.class).one()) > 0;
    }

    void recordDigests(String id, Staging.Digests d) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE upload_sessions SET sha256 = :s, md5 = :m, sha1 = :sha1 WHERE id = :id")
                .bind("s", d.sha256()).bind("m", d.md5()).bind("sha1", d.sha1()).bind("id", id).execute());
    }

    /** Sessions of {@code protocol} that hold every byte, are not complete nor expired, and that no live node completes. */
    List<UploadSession> fullButIncomplete(String protocol, long now, long liveSince) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM upload_sessions WHERE protocol = :p "
                        + "AND status = 1 AND upload_offset = total_length AND expires_at > :now AND (finalizing_node IS NULL "
                        + "OR NOT " + LIVE_CLAIM + ") ORDER BY created_at")
                .bind("p", protocol).bind("now", now).bind("live", liveSince).map(UploadRepository::map).list());
    }

    boolean markComplete(String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE upload_sessions SET status = 2, completed_at = :now, "
                        + "finalizing_since = NULL, finalizing_node = NULL "
                        + "WHERE id = :id AND status = 1").bind("now", now).bind("id", id).execute()) == 1;
    }

    void delete(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM upload_sessions WHERE id = :id").bind("id", id).execute());
    }

    /** The offset of every unfinished session, by id. */
    Map<String, Long> unfinishedOffsets() {
        Map<String, Long> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT id, upload_offset FROM upload_sessions WHERE completed_at IS NULL")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    List<String> expired(long now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM upload_sessions WHERE expires_at <= :now")
                .bind("now", now).mapTo(String.class).list());
    }

    private static UploadSession map(ResultSet rs, StatementContext ctx) throws SQLException {
        long total = rs.getLong("total_length");
        Long totalLength = rs.wasNull() ? null : total;
        long completed = rs.getLong("completed_at");
        Long completedAt = rs.wasNull() ? null : completed;
        return new UploadSession(rs.getString("id"), rs.getLong("user_id"), rs.getString("protocol"),
                rs.getString("file_name"), rs.getLong("upload_offset"), totalLength, rs.getInt("status"),
                rs.getLong("created_at"), completedAt, rs.getLong("expires_at"), fromJson(rs.getString("metadata")),
                rs.getString("sha256"), rs.getString("md5"), rs.getString("sha1"));
    }

    private static String toJson(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromJson(String s) {
        try {
            return s == null || s.isEmpty() ? Map.of() : JSON.readValue(s, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
