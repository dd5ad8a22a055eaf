package dev.depot.web;

import dev.depot.api.Access;
import dev.depot.tuf.TufService;
import dev.depot.api.Authenticator;
import dev.depot.api.Links;
import dev.depot.api.Params;
import dev.depot.api.Routes;
import dev.depot.api.SessionCookie;
import dev.depot.auth.ApiToken;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.feed.FeedPackageName;
import dev.depot.feed.FeedReceipts;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin's pages: users and their access, API tokens (the secret shown once, then only its
 * hash is kept), organizations and members' roles, devices with maintainers, variants and the
 * file-name rules, repositories, and the feed's state. Each form calls the service the API calls.
 */
public final class AdminPages {
    /** A user's row. */
    public record UserRow(String username, boolean admin, boolean active, String lastLogin, int tokens) {}

    /** A token's row; {@code state} says active, expired or revoked. */
    public record TokenRow(long id, String name, String scopes, String created, String expires, String lastUsed, String state) {}

    /** An organization with its members (username to role). */
    public record OrgRow(String slug, String name, List<Map.Entry<String, Role>> members) {}

    /** A device with the usernames of its maintainers. */
    public record DeviceRow(Device device, List<String> maintainers) {}

    /** A repository and its organization's slug. */
    public record RepoRow(Repository repository, String organization) {}

    /** The feed at a glance: samples held, in how many five-minute packages, the newest package, downloads in 7 days. */
    public record FeedState(long samples, long packagesWithSamples, String latest, long downloads7d) {}

    static final String ISSUED_COOKIE = "depot_issued";

    private final AuthService auth;
    private final Ota ota;
    private final Catalog catalog;
    private final RepositoryService repositories;
    private final FeedReceipts feed;
    private final PageRenderer pages;
    private final Links links;
    private final TufService tuf;

    public AdminPages(AuthService auth, Ota ota, Catalog catalog, RepositoryService repositories,
                      FeedReceipts feed, TufService tuf, PageRenderer pages, Links links) {
        this.links = links;
        this.tuf = tuf;
        this.auth = auth;
        this.ota = ota;
        this.catalog = catalog;
        this.repositories = repositories;
        this.feed = feed;
        this.pages = pages;
    }

    public void register(Routes all) {
        Routes r = all.on(pages.surface());
        r.get("/admin", Access.SIGNED_IN_ADMIN, this::overview);
        r.get("/admin/users", Access.SIGNED_IN_ADMIN, this::users);
        r.post("/admin/users", Access.SIGNED_IN_ADMIN, this::createUser);
        r.get("/admin/users/{username}", Access.SIGNED_IN_ADMIN, this::user);
        r.post("/admin/users/{username}/access", Access.SIGNED_IN_ADMIN, this::userAccess);
        r.post("/admin/users/{username}/tokens", Access.SIGNED_IN_ADMIN, this::createToken);
        r.post("/admin/users/{username}/tokens/{id}/revoke", Access.SIGNED_IN_ADMIN, this::revokeToken);
        r.get("/admin/organizations", Access.SIGNED_IN_ADMIN, this::organizations);
        r.post("/admin/organizations", Access.SIGNED_IN_ADMIN, this::createOrganization);
        r.post("/admin/organizations/{org}/members", Access.SIGNED_IN_ADMIN, this::putMember);
        r.post("/admin/organizations/{org}/members/{username}/remove", Access.SIGNED_IN_ADMIN, this::removeMember);
        r.get("/admin/devices", Access.SIGNED_IN_ADMIN, this::devices);
        r.post("/admin/devices", Access.SIGNED_IN_ADMIN, this::createDevice);
        r.post("/admin/devices/{codename}", Access.SIGNED_IN_ADMIN, this::updateDevice);
        r.post("/admin/devices/{codename}/maintainers", Access.SIGNED_IN_ADMIN, this::addMaintainer);
        r.post("/admin/devices/{codename}/maintainers/{username}/remove", Access.SIGNED_IN_ADMIN, this::removeMaintainer);
        r.post("/admin/variants", Access.SIGNED_IN_ADMIN, this::createVariant);
        r.post("/admin/rules", Access.SIGNED_IN_ADMIN, this::rules);
        r.get("/admin/repositories", Access.SIGNED_IN_ADMIN, this::repositories);
        r.get("/admin/tuf", Access.SIGNED_IN_ADMIN, this::tuf);
        r.post("/admin/repositories", Access.SIGNED_IN_ADMIN, this::createRepository);
    }

    private static Principal me(Context ctx) {
        return Authenticator.principal(ctx);
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.trim();
    }

    private static void back(Context ctx, String path) {
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    // ---- overview and feed ---------------------------------------------------------------------

    private void overview(Context ctx) {
        FeedReceipts f = feed;
        Map<Long, Integer> windows = f.availableWindows(); // every window of the week, oldest first
        long samples = windows.values().stream().mapToLong(Integer::longValue).sum();
        long withSamples = windows.values().stream().filter(n -> n > 0).count();
        String latest = FeedPackageName.fiveMinuteName(windows.keySet().stream().max(Long::compare).orElseThrow());
        Map<String, Object> params = new HashMap<>();
        params.put("feed", new FeedState(samples, withSamples, latest, f.downloadsSince(Duration.ofDays(7))));
        params.put("users", auth.listUsers().size());
        params.put("devices", ota.devices().devices().size());
        params.put("organizations", catalog.organizations().organizations(me(ctx)).size());
        params.put("repositories", repositories.all().size());
        pages.render(ctx, "admin.jte", params);
    }

    // ---- users and tokens ----------------------------------------------------------------------

    private void users(Context ctx) {
        List<UserRow> rows = auth.listUsers().stream().map(u -> new UserRow(u.username(), u.admin(), u.active(),
                u.lastLoginAt() == null ? "never" : when(u.lastLoginAt()),
                (int) auth.listTokens(u.username()).stream().filter(t -> t.revokedAt() == null).count())).toList();
        pages.render(ctx, "admin_users.jte", Map.of("users", rows));
    }

    private void createUser(Context ctx) {
        User u = auth.createUser(form(ctx, "username"), Params.of(ctx).require("password"), "on".equals(ctx.formParam("admin")));
        back(ctx, userPath(u.username()));
    }

    private void userAccess(Context ctx) {
        auth.setAccess(ctx.pathParam("username"), "on".equals(ctx.formParam("admin")), "on".equals(ctx.formParam("active")));
        back(ctx, "/admin/users/" + ctx.pathParam("username"));
    }

    /** A user's page, with the secret of a token just created shown this once. */
    private void user(Context ctx) {
        User u = auth.requireUser(ctx.pathParam("username"));
        String issued = ctx.cookie(ISSUED_COOKIE);
        if (issued != null) {
            SessionCookie.setStrict(ctx, links, ISSUED_COOKIE, null, userPath(u.username()), 0);
        }
        long now = System.currentTimeMillis();
        // ended web sessions are noise beside API tokens (and are removed a day later)
        List<TokenRow> tokens = auth.listTokens(u.username()).stream()
                .sorted((a, b) -> Long.compare(b.createdAt(), a.createdAt()))
                .map(t -> tokenRow(t, now))
                .filter(t -> !(t.name().equals(AuthService.SESSION_TOKEN_NAME) && !t.state().equals("active")))
                .toList();
        Map<String, Object> params = new HashMap<>();
        params.put("user", u);
        params.put("tokens", tokens);
        params.put("scopes", (u.admin() ? EnumSet.allOf(Scope.class) : EnumSet.complementOf(EnumSet.of(Scope.ADMIN)))
                .stream().map(Scope::wireName).toList());
        params.put("issued", issued == null || issued.isBlank() ? null : issued);
        pages.render(ctx, "admin_user.jte", params);
    }

    private static TokenRow tokenRow(ApiToken t, long now) {
        String state = t.revokedAt() != null ? "revoked" : t.expiresAt() != null && t.expiresAt() <= now ? "expired" : "active";
        return new TokenRow(t.id(), t.name(), Scope.format(t.scopes()), when(t.createdAt()),
                t.expiresAt() == null ? "never" : when(t.expiresAt()),
                t.lastUsedAt() == null ? "never" : when(t.lastUsedAt()), state);
    }

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** A moment as people read it in a table. */
    static String when(long millis) {
        return WHEN.format(Instant.ofEpochMilli(millis));
    }

    private void createToken(Context ctx) {
        User u = auth.requireUser(ctx.pathParam("username"));
        List<String> picked = ctx.formParams("scope");
        Set<Scope> scopes = Scope.parseList(String.join(",", picked));
        Duration ttl = Params.of(ctx).duration("expires").orElse(null);
        String name = form(ctx, "name").isEmpty() ? "api" : form(ctx, "name");
        IssuedToken t = auth.createToken(u, name, scopes, ttl);
        // Post/redirect/get, so reloading the page cannot make a second token; the secret crosses
        // the redirect in a cookie that only the user's page reads, once, within a minute.
        SessionCookie.setStrict(ctx, links, ISSUED_COOKIE, t.secret(), userPath(u.username()), 60);
        back(ctx, userPath(u.username()));
    }

    private static String userPath(String username) {
        return "/admin/users/" + username;
    }

    private void revokeToken(Context ctx) {
        String username = ctx.pathParam("username");
        long id = Dashboard.parseId(ctx.pathParam("id"), "token");
        boolean theirs = auth.listTokens(username).stream().anyMatch(t -> t.id() == id);
        if (!theirs || !auth.revokeToken(id)) {
            throw new DepotException.NotFound("unknown_token", "There is no such token of " + username + ".");
        }
        back(ctx, "/admin/users/" + username);
    }

    // ---- organizations -------------------------------------------------------------------------

    private void organizations(Context ctx) {
        List<OrgRow> rows = new ArrayList<>();
        for (Organization o : catalog.organizations().organizations(me(ctx))) {
            rows.add(new OrgRow(o.slug(), o.name(), catalog.organizations().members(me(ctx), o.slug())));
        }
        pages.render(ctx, "admin_orgs.jte", Map.of("organizations", rows,
                "usernames", auth.listUsers().stream().map(User::username).toList()));
    }

    private void createOrganization(Context ctx) {
        catalog.organizations().createOrganization(me(ctx), form(ctx, "slug"), form(ctx, "name"), form(ctx, "owner"));
        back(ctx, "/admin/organizations");
    }

    private void putMember(Context ctx) {
        catalog.organizations().putMember(me(ctx), ctx.pathParam("org"), form(ctx, "username"), Role.parse(form(ctx, "role")));
        back(ctx, "/admin/organizations");
    }

    private void removeMember(Context ctx) {
        catalog.organizations().removeMember(me(ctx), ctx.pathParam("org"), ctx.pathParam("username"));
        back(ctx, "/admin/organizations");
    }

    // ---- devices, variants, file-name rules ----------------------------------------------------

    private void devices(Context ctx) {
        Map<Long, String> names = new HashMap<>();
        auth.listUsers().forEach(u -> names.put(u.id(), u.username()));
        Map<String, List<String>> maintainers = new LinkedHashMap<>();
        ota.devices().maintainedDevicesByUser().forEach((user, codenames) -> codenames.forEach(c ->
                maintainers.computeIfAbsent(c, k -> new ArrayList<>()).add(names.getOrDefault(user, "?"))));
        List<DeviceRow> rows = ota.devices().devices().stream()
                .map(d -> new DeviceRow(d, maintainers.getOrDefault(d.codename(), List.of()).stream().sorted().toList())).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("devices", rows);
        params.put("variants", ota.devices().variants());
        params.put("pattern", ota.buildNames().fileNamePattern().python());
        params.put("allowedVersions", ota.buildNames().allowedVersions());
        params.put("usernames", auth.listUsers().stream().map(User::username).toList());
        pages.render(ctx, "admin_devices.jte", params);
    }

    private void createDevice(Context ctx) {
        ota.devices().addDevice(form(ctx, "codename"), form(ctx, "name"), form(ctx, "manufacturer"));
        back(ctx, "/admin/devices");
    }

    private void updateDevice(Context ctx) {
        ota.devices().updateDevice(ctx.pathParam("codename"), null, null, "on".equals(ctx.formParam("maintained")),
                "on".equals(ctx.formParam("visible")), null, null);
        back(ctx, "/admin/devices");
    }

    private void addMaintainer(Context ctx) {
        ota.devices().addMaintainer(ctx.pathParam("codename"), form(ctx, "username"));
        back(ctx, "/admin/devices");
    }

    private void removeMaintainer(Context ctx) {
        ota.devices().removeMaintainer(ctx.pathParam("codename"), ctx.pathParam("username"));
        back(ctx, "/admin/devices");
    }

    private void createVariant(Context ctx) {
        ota.devices().addVariant(form(ctx, "codename"), form(ctx, "description"), form(ctx, "releaseType"));
        back(ctx, "/admin/devices");
    }

    private void rules(Context ctx) {
        ota.buildNames().setFileNamePattern(form(ctx, "pattern"));
        ota.buildNames().setAllowedVersions(ctx.formParam("allowedVersions"));
        back(ctx, "/admin/devices");
    }

    // ---- TUF -----------------------------------------------------------------------------------

    /** One role of the TUF repository as the page shows it: how long it has left, and whether that is a warning. */
    public record TufRow(TufService.RoleStatus status, String left, boolean warn) {}

    private void tuf(Context ctx) {
        java.time.Instant now = tuf.now();
        java.util.Set<String> near = new java.util.HashSet<>();
        tuf.nearExpiry().forEach(s -> near.add(s.role()));
        List<TufRow> rows = tuf.status().stream().map(s -> new TufRow(s, left(java.time.Duration.between(now, s.expires())),
                near.contains(s.role()))).toList();
        pages.render(ctx, "admin_tuf.jte", Map.of("roles", rows, "repository", links.base() + "/tuf/"));
    }

    private static String left(java.time.Duration d) {
        if (d.isNegative()) {
            return "expired";
        }
        if (d.toDays() >= 2) {
            return "in " + d.toDays() + " days";
        }
        return d.toHours() >= 1 ? "in " + d.toHours() + " h" : "in " + d.toMinutes() + " min";
    }

    // ---- repositories --------------------------------------------------------------------------

    private void repositories(Context ctx) {
        Map<Long, String> orgs = new HashMap<>();
        catalog.organizations().organizations(me(ctx)).forEach(o -> orgs.put(o.id(), o.slug()));
        List<RepoRow> rows = repositories.all().stream().map(r -> new RepoRow(r, orgs.getOrDefault(r.organizationId(), "?"))).toList();
        pages.render(ctx, "admin_repositories.jte", Map.of("repositories", rows,
                "organizations", orgs.values().stream().sorted().toList()));
    }

    private void createRepository(Context ctx) {
        repositories.create(me(ctx), form(ctx, "organization"), form(ctx, "name"), form(ctx, "title"), form(ctx, "description"));
        back(ctx, "/admin/repositories");
    }
}
