package dev.depot.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code users}. */
public final class UserRepository {
    private static final String COLUMNS = "id, username, is_admin, active, display_name, bio, profile_picture, "
            + "contact_url, created_at, last_login_at";
    private final Jdbi jdbi;

    public UserRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long insert(String username, String passwordHash, boolean admin, long now) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO users (username, password_hash, is_admin, created_at) "
                        + "VALUES (:u, :p, :a, :now) RETURNING id")
                .bind("u", username).bind("p", passwordHash).bind("a", admin).bind("now", now)
                .mapTo(Long.class).one());
    }

    Optional<User> byUsername(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE username = :u")
                .bind("u", username).map(UserRepository::map).findOne());
    }

    Optional<User> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map(UserRepository::map).findOne());
    }

    Optional<String> passwordHash(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id")
                .bind("id", userId).mapTo(String.class).findOne());
    }

    List<User> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY username")
                .map(UserRepository::map).list());
    }

    void setPassword(long userId, String hash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :p WHERE id = :id")
                .bind("p", hash).bind("id", userId).execute());
    }

    void updateProfile(long userId, String displayName, String bio, String profilePicture, String contactUrl,
                       boolean active) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET display_name = :n, bio = :b, profile_picture = :pp, "
                        + "contact_url = :c, active = :a WHERE id = :id")
                .bind("n", displayName).bind("b", bio).bind("pp", profilePicture).bind("c", contactUrl)
                .bind("a", active).bind("id", userId).execute());
    }

    void setAccess(long userId, boolean admin, boolean active) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET is_admin = :ad, active = :a WHERE id = :id")
                .bind("ad", admin).bind("a", active).bind("id", userId).execute());
    }

    void touchLogin(long userId, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET last_login_at = :now WHERE id = :id")
                .bind("now", now).bind("id", userId).execute());
    }

    private static User map(ResultSet rs, StatementContext ctx) throws SQLException {
        long last = rs.getLong("last_login_at");
        Long lastLogin = rs.wasNull() ? null : last;
        return new User(rs.getLong("id"), rs.getString("username"), rs.getBoolean("is_admin"),
                rs.getBoolean("active"), rs.getString("display_name"), rs.getString("bio"),
                rs.getString("profile_picture"), rs.getString("contact_url"), rs.getLong("created_at"), lastLogin);
    }
}
