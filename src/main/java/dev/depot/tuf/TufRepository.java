package dev.depot.tuf;

import dev.depot.db.Dialect;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/** The SQL of the TUF repository: its state row, its keys and its metadata versions. */
public final class TufRepository {
    /** A key as stored: its public key object's JSON and, for an online key, its sealed private half. */
    public record StoredKey(String keyid, String role, String publicKey, String sealedPrivate, String state, long createdAt) {}

    /** One version of one role's metadata, as served. */
    public record StoredMetadata(String role, long version, String body, String contentDigest, long expiresAt, long createdAt) {}

    record State(byte[] salt, String pendingRoot) {}

    private final Jdbi jdbi;
    private final Dialect dialect;

    public TufRepository(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    <T> T read(HandleCallback<T, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    Optional<State> state(Handle h) {
        return h.createQuery("SELECT kdf_salt, pending_root FROM tuf_state WHERE id = 1")
                .map((rs, ctx) -> new State(java.util.HexFormat.of().parseHex(rs.getString(1)), rs.getString(2))).findOne();
    }

    /** The state row, locked until the transaction ends: every writer of metadata takes it first. */
    Optional<State> lockState(Handle h) {
        return h.createQuery("SELECT kdf_salt, pending_root FROM tuf_state WHERE id = 1" + dialect.rowLock())
                .map((rs, ctx) -> new State(java.util.HexFormat.of().parseHex(rs.getString(1)), rs.getString(2))).findOne();
    }

    /** Makes the state row; false when another process made it first. */
    boolean createState(Handle h, byte[] salt, long now) {
        return h.createUpdate("INSERT INTO tuf_state (id, kdf_salt, created_at) VALUES (1, :salt, :now) ON CONFLICT (id) DO NOTHING")
                .bind("salt", java.util.HexFormat.of().formatHex(salt)).bind("now", now).execute() == 1;
    }

    void setPendingRoot(Handle h, String envelope) {
        h.createUpdate("UPDATE tuf_state SET pending_root = :root WHERE id = 1").bind("root", envelope).execute();
    }

    void insertKey(Handle h, StoredKey k) {
        h.createUpdate("INSERT INTO tuf_keys (keyid, role, public_key, sealed_private, state, created_at) "
                        + "VALUES (:keyid, :role, :publicKey, :sealedPrivate, :state, :createdAt)")
                .bindMethods(k).execute();
    }

    List<StoredKey> keys(Handle h, String role, String state) {
        return h.createQuery("SELECT keyid, role, public_key, sealed_private, state, created_at FROM tuf_keys "
                        + "WHERE role = :role AND state = :state ORDER BY created_at, keyid")
                .bind("role", role).bind("state", state).map((rs, ctx) -> key(rs)).list();
    }

    List<StoredKey> keysInState(Handle h, String state) {
        return h.createQuery("SELECT keyid, role, public_key, sealed_private, state, created_at FROM tuf_keys "
                        + "WHERE state = :state ORDER BY role, created_at, keyid")
                .bind("state", state).map((rs, ctx) -> key(rs)).list();
    }

    Optional<StoredKey> key(Handle h, String keyid) {
        return h.createQuery("SELECT keyid, role, public_key, sealed_private, state, created_at FROM tuf_keys WHERE keyid = :k")
                .bind("k", keyid).map((rs, ctx) -> key(rs)).findOne();
    }

    void setKeyState(Handle h, String keyid, String state) {
        h.createUpdate("UPDATE tuf_keys SET state = :state WHERE keyid = :k").bind("state", state).bind("k", keyid).execute();
    }

    private static StoredKey key(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6));
    }

    Optional<StoredMetadata> latest(Handle h, String role) {
        return h.createQuery(SELECT + "WHERE role = :role ORDER BY version DESC LIMIT 1")
                .bind("role", role).map((rs, ctx) -> metadata(rs)).findOne();
    }

    Optional<StoredMetadata> version(Handle h, String role, long version) {
        return h.createQuery(SELECT + "WHERE role = :role AND version = :version")
                .bind("role", role).bind("version", version).map((rs, ctx) -> metadata(rs)).findOne();
    }

    /** The current version of every role. */
    List<StoredMetadata> latestOfEveryRole(Handle h) {
        return h.createQuery("SELECT m.role, m.version, m.body, m.content_digest, m.expires_at, m.created_at FROM tuf_metadata m "
                        + "JOIN (SELECT role, MAX(version) AS v FROM tuf_metadata GROUP BY role) l ON m.role = l.role AND m.version = l.v "
                        + "ORDER BY m.role")
                .map((rs, ctx) -> metadata(rs)).list();
    }

    void insert(Handle h, StoredMetadata m) {
        h.createUpdate("INSERT INTO tuf_metadata (role, version, body, content_digest, expires_at, created_at) "
                        + "VALUES (:role, :version, :body, :contentDigest, :expiresAt, :createdAt)")
                .bindMethods(m).execute();
    }

    private static final String SELECT = "SELECT role, version, body, content_digest, expires_at, created_at FROM tuf_metadata ";

    private static StoredMetadata metadata(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredMetadata(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6));
    }
}
