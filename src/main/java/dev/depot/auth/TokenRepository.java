package dev.depot.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code api_tokens}. */
public final class TokenRepository {
    private static final String COLUMNS = "id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at, app_id";
    private final Jdbi jdbi;

    public TokenRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    ApiToken insert(long userId, String tokenHash, String name, String scopes, long now, Long expiresAt, Long appId) {
        long id = jdbi.withHandle(h -> h.createQuery("INSERT INTO api_tokens (user_id, token_hash, name, scopes, "
                        + "created_at, expires_at, app_id) VALUES (:u, :h, :n, :s, :now, :exp, :app) RETURNING id")
                .bind("u", userId).bind("h", tokenHash).bind("n", name).bind("s", scopes).bind("now", now)
                .bind("exp", expiresAt).bind("app", appId).mapTo(Long.class).one());
        return new ApiToken(id, userId, name, Scope.parseList(scopes), now, expiresAt, null, null, appId);
    }

    Optional<ApiToken> byHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = :h")
                .bind("h", tokenHash).map(TokenRepository::map).findOne());
    }

    List<ApiToken> byUser(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE user_id = :u ORDER BY id")
                .bind("u", userId).map(TokenRepository::map).list());
    }

    boolean revoke(long tokenId, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE api_tokens SET revoked_at = :now WHERE id = :id "
                        + "AND revoked_at IS NULL").bind("now", now).bind("id", tokenId).execute()) > 0;
    }

    /** Deletes the named tokens that expired or were revoked before {@code before}. */
    int deleteEnded(String name, long before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM api_tokens WHERE name = :n AND "
                        + "((expires_at IS NOT NULL AND expires_at < :b) OR (revoked_at IS NOT NULL AND revoked_at < :b))")
                .bind("n", name).bind("b", before).execute());
    }

    void touch(long tokenId, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used_at = :now WHERE id = :id")
                .bind("now", now).bind("id", tokenId).execute());
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static ApiToken map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("name"),
                Scope.parseList(rs.getString("scopes")), rs.getLong("created_at"), nullableLong(rs, "expires_at"),
                nullableLong(rs, "last_used_at"), nullableLong(rs, "revoked_at"), nullableLong(rs, "app_id"));
    }
}
