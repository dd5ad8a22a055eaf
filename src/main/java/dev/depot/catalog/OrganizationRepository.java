package dev.depot.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code organizations} and {@code memberships}: the tables {@link OrganizationService} owns. */
public final class OrganizationRepository {
    private final Jdbi jdbi;

    public OrganizationRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long insertOrganization(String slug, String name, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO organizations (slug, name, created_at) VALUES (:slug, :name, :now) RETURNING id""")
                .bind("slug", slug).bind("name", name).bind("now", now).mapTo(Long.class).one());
    }

    Optional<Organization> organization(String slug) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, slug, name, created_at FROM organizations WHERE slug = :slug")
                .bind("slug", slug).map(OrganizationRepository::map).findOne());
    }

    Optional<Organization> organization(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, slug, name, created_at FROM organizations WHERE id = :id")
                .bind("id", id).map(OrganizationRepository::map).findOne());
    }

    Optional<Organization> organizationOfApp(long appId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT o.id, o.slug, o.name, o.created_at FROM organizations o JOIN apps a ON a.organization_id = o.id
                        WHERE a.id = :app""")
                .bind("app", appId).map(OrganizationRepository::map).findOne());
    }

    List<Organization> organizations() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, slug, name, created_at FROM organizations ORDER BY slug")
                .map(OrganizationRepository::map).list());
    }

    List<Organization> organizationsOf(long userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT o.id, o.slug, o.name, o.created_at FROM organizations o
                        JOIN memberships m ON m.organization_id = o.id WHERE m.user_id = :user ORDER BY o.slug""")
                .bind("user", userId).map(OrganizationRepository::map).list());
    }

    Optional<Role> role(long orgId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE organization_id = :org AND user_id = :user")
                .bind("org", orgId).bind("user", userId).mapTo(String.class).findOne().map(Role::parse));
    }

    void putMember(long orgId, long userId, Role role) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO memberships (organization_id, user_id, role) VALUES (:org, :user, :role)
                        ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role""")
                .bind("org", orgId).bind("user", userId).bind("role", role.wireName()).execute());
    }

    boolean removeMember(long orgId, long userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM memberships WHERE organization_id = :org AND user_id = :user")
                .bind("org", orgId).bind("user", userId).execute()) > 0;
    }

    List<Map.Entry<String, Role>> members(long orgId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.username, m.role FROM memberships m JOIN users u ON u.id = m.user_id
                        WHERE m.organization_id = :org ORDER BY u.username""")
                .bind("org", orgId).map((rs, ctx) -> Map.entry(rs.getString(1), Role.parse(rs.getString(2)))).list());
    }

    long countOwners(long orgId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM memberships WHERE organization_id = :org AND role = 'owner'")
                .bind("org", orgId).mapTo(Long.class).one());
    }

    private static Organization map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Organization(rs.getLong("id"), rs.getString("slug"), rs.getString("name"), rs.getLong("created_at"));
    }
}
