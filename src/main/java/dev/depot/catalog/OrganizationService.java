package dev.depot.catalog;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Organizations, their members and roles, and who may act in one. An organization the caller is
 * not a member of does not exist for the caller (NotFound, never Forbidden); a member whose role is
 * too weak is Forbidden. Server admins see everything. A token bound to one app acts in its
 * organization only through that app ({@link #requireUnbound}).
 */
public final class OrganizationService {
    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final OrganizationRepository repository;
    private final AuthService auth;
    private final Clock clock;

    public OrganizationService(OrganizationRepository repository, AuthService auth, Clock clock) {
        this.repository = repository;
        this.auth = auth;
        this.clock = clock;
    }

    public Organization createOrganization(Principal caller, String slug, String name, String ownerUsername) {
        if (!caller.admin()) {
            throw new DepotException.Forbidden("insufficient_permissions", "Only admins create organizations.");
        }
        requireSlug(slug, "organization");
        if (repository.organization(slug).isPresent()) {
            throw new DepotException.Conflict("duplicate_organization", "An organization '" + slug + "' already exists.");
        }
        long id = repository.insertOrganization(slug, requireName(name), clock.millis());
        User owner = ownerUsername == null ? auth.findUser(caller.userId()).orElseThrow() : auth.requireUser(ownerUsername);
        repository.putMember(id, owner.id(), Role.OWNER);
        return repository.organization(slug).orElseThrow();
    }

    /** The organizations the caller belongs to (every one for admins; the app's own for an app-bound token). */
    public List<Organization> organizations(Principal caller) {
        if (caller.appId() != null) {
            return repository.organizationOfApp(caller.appId()).stream().toList();
        }
        return caller.admin() ? repository.organizations() : repository.organizationsOf(caller.userId());
    }

    /**
     * A token bound to one app reaches that app only: the organization's other apps do not exist
     * for it (NotFound), and what concerns the whole organization (members, new apps, repositories,
     * new tokens) is Forbidden.
     */
    public void requireUnbound(Principal caller) {
        if (caller.appId() != null) {
            throw new DepotException.Forbidden("app_token", "This token is bound to one app; it cannot act on the organization.");
        }
    }

    /** An organization by id, for what the whole server publishes (its repositories' signed metadata). */
    public Optional<Organization> organization(long id) {
        return repository.organization(id);
    }

    /** The organization if the caller holds at least {@code min} in it. */
    public Organization organization(Principal caller, String slug, Role min) {
        Organization org = (slug != null && SLUG.matcher(slug).matches() ? repository.organization(slug) : Optional.<Organization>empty())
                .orElseThrow(() -> notMember(slug));
        requireRole(caller, org, min);
        return org;
    }

    private void requireRole(Principal caller, Organization org, Role min) {
        if (caller.admin()) {
            return;
        }
        Role role = repository.role(org.id(), caller.userId()).orElseThrow(() -> notMember(org.slug()));
        if (!role.atLeast(min)) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "This needs the " + min.wireName() + " role in " + org.slug() + "; you are " + role.wireName() + ".");
        }
    }

    public Role roleOf(Principal caller, Organization org) {
        if (caller.admin()) {
            return Role.OWNER;
        }
        return repository.role(org.id(), caller.userId()).orElseThrow(() -> notMember(org.slug()));
    }

    public void putMember(Principal caller, String orgSlug, String username, Role role) {
        requireUnbound(caller);
        Organization org = organization(caller, orgSlug, Role.OWNER);
        User u = auth.requireUser(username);
        Optional<Role> current = repository.role(org.id(), u.id());
        if (current.orElse(null) == Role.OWNER && role != Role.OWNER && repository.countOwners(org.id()) <= 1) {
            throw new DepotException.Invalid("last_owner", "An organization keeps at least one owner.");
        }
        repository.putMember(org.id(), u.id(), role);
    }

    public void removeMember(Principal caller, String orgSlug, String username) {
        requireUnbound(caller);
        Organization org = organization(caller, orgSlug, Role.OWNER);
        User u = auth.requireUser(username);
        if (repository.role(org.id(), u.id()).orElse(null) == Role.OWNER && repository.countOwners(org.id()) <= 1) {
            throw new DepotException.Invalid("last_owner", "An organization keeps at least one owner.");
        }
        if (!repository.removeMember(org.id(), u.id())) {
            throw new DepotException.NotFound("unknown_member", "Entity not found");
        }
    }

    public List<Map.Entry<String, Role>> members(Principal caller, String orgSlug) {
        requireUnbound(caller);
        return repository.members(organization(caller, orgSlug, Role.VIEWER).id());
    }

    static void requireSlug(String slug, String what) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new DepotException.Invalid("invalid_slug",
                    "An " + what + " id is 1-63 lowercase letters, digits or '-', starting with a letter or digit.");
        }
    }

    static String requireName(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new DepotException.Invalid("invalid_name", "A name is 1-200 characters.");
        }
        return name.trim();
    }

    private static DepotException.NotFound notMember(String slug) {
        return new DepotException.NotFound("entity_not_found", "There is no organization '" + slug + "' that you are a member of.");
    }
}
