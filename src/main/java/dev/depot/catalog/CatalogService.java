package dev.depot.catalog;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.core.LongText;
import dev.depot.core.SafeFileName;
import dev.depot.jobs.JobQueue;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import dev.depot.db.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Organizations, their members, apps and app builds, and who may see or change them. Anything of
 * an organization the caller is not a member of does not exist for that caller (NotFound, never
 * Forbidden); a member whose role is too weak is Forbidden. Server admins see everything.
 */
public final class CatalogService {
    public static final String INSPECT_JOB = "inspect-build";
    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final Set<String> PLATFORMS = Set.of("android", "ios");

    private final CatalogRepository repository;
    private final AuthService auth;
    private final BlobStore blobs;
    private final JobQueue jobs;
    private final Clock clock;
    private volatile Runnable jobsAdded = () -> {};

    public CatalogService(Jdbi jdbi, Dialect dialect, AuthService auth, BlobStore blobs, JobQueue jobs, Clock clock) {
        this.repository = new CatalogRepository(jdbi, dialect);
        this.auth = auth;
        this.blobs = blobs;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** What must let go of a build that is disabled or deleted, in the same transaction (repositories drop it). */
    public interface Withdrawal {
        void withdraw(Handle transaction, long buildId);
    }

    private final java.util.List<Withdrawal> withdrawn = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called with a build's id in the transaction that disables or deletes it, after the build's row is locked. */
    public void onBuildWithdrawn(Withdrawal listener) {
        withdrawn.add(listener);
    }

    private final java.util.List<java.util.function.Consumer<AppBuild>> added = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<java.util.function.Consumer<AppBuild>> processed = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called with every new app build once its bytes are stored (the feed lists new APKs from here). */
    public void onBuildAdded(java.util.function.Consumer<AppBuild> listener) {
        added.add(listener);
    }

    /** Called with a build after inspection succeeded. */
    public void onBuildProcessed(java.util.function.Consumer<AppBuild> listener) {
        processed.add(listener);
    }

    private void withdraw(Handle h, long buildId) {
        withdrawn.forEach(l -> l.withdraw(h, buildId));
    }

    /**
     * The app build as it is now, locked in {@code transaction} against being disabled or deleted
     * until that transaction ends; NotFound when it is gone. Publishing checks the build with it.
     */
    public AppBuild lockBuild(Handle transaction, long buildId) {
        return repository.lockBuild(transaction, buildId).orElseThrow(CatalogService::notFound);
    }

    /** Called after a job is queued, so a worker can start on it at once. */
    public void onJobQueued(Runnable r) {
        this.jobsAdded = r;
    }

    // ---- organizations and members -------------------------------------------------------------

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

    public List<Organization> organizations(Principal caller) {
        if (caller.appId() != null) {
            return repository.app(caller.appId()).flatMap(a -> repository.organization(a.organizationSlug())).stream().toList();
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

    private static App inScope(Principal caller, App app) {
        if (caller.appId() != null && caller.appId() != app.id()) {
            throw notFound("There is no app '" + app.slug() + "' in " + app.organizationSlug() + "."); // as for an absent one
        }
        return app;
    }

    /** The organization if the caller holds at least {@code min} in it. */
    public Organization organization(Principal caller, String slug, Role min) {
        Organization org = (slug != null && SLUG.matcher(slug).matches() ? repository.organization(slug) : Optional.<Organization>empty())
                .orElseThrow(() -> notFound("There is no organization '" + slug + "' that you are a member of."));
        requireRole(caller, org, min);
        return org;
    }

    private void requireRole(Principal caller, Organization org, Role min) {
        if (caller.admin()) {
            return;
        }
        Role role = repository.role(org.id(), caller.userId()).orElseThrow(() ->
                notFound("There is no organization '" + org.slug() + "' that you are a member of."));
        if (!role.atLeast(min)) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "This needs the " + min.wireName() + " role in " + org.slug() + "; you are " + role.wireName() + ".");
        }
    }

    public Role roleOf(Principal caller, Organization org) {
        if (caller.admin()) {
            return Role.OWNER;
        }
        return repository.role(org.id(), caller.userId()).orElseThrow(CatalogService::notFound);
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

    // ---- apps ----------------------------------------------------------------------------------

    public App createApp(Principal caller, String orgSlug, String slug, String name, String platform, String packageName) {
        requireUnbound(caller);
        Organization org = organization(caller, orgSlug, Role.MAINTAINER);
        requireSlug(slug, "app");
        String p = platform == null ? "android" : platform.trim().toLowerCase();
        if (!PLATFORMS.contains(p)) {
            throw new DepotException.Invalid("invalid_platform", "The platform is android or ios.");
        }
        if (packageName != null && !packageName.isBlank() && !packageName.matches("[A-Za-z0-9_.-]{1,255}")) {
            throw new DepotException.Invalid("invalid_package", "A package name or bundle id is letters, digits, '.', '_' and '-'.");
        }
        if (repository.app(org.id(), slug).isPresent()) {
            throw new DepotException.Conflict("duplicate_app", "An app '" + slug + "' already exists in " + org.slug() + ".");
        }
        long id = repository.insertApp(org.id(), slug, requireName(name), p,
                packageName == null || packageName.isBlank() ? null : packageName.trim(), clock.millis());
        return repository.app(id).orElseThrow();
    }

    public List<App> apps(Principal caller, String orgSlug) {
        return repository.apps(organization(caller, orgSlug, Role.VIEWER).id()).stream()
                .filter(a -> caller.appId() == null || caller.appId() == a.id()).toList();
    }

    /** The app, if the caller holds at least {@code min} in its organization. Accepts the slug or the numeric id. */
    public App app(Principal caller, String orgSlug, String appRef, Role min) {
        Organization org = organization(caller, orgSlug, min);
        return inScope(caller, findApp(org, appRef).orElseThrow(() ->
                notFound("There is no app '" + appRef + "' in " + org.slug() + ".")));
    }

    private Optional<App> findApp(Organization org, String appRef) {
        if (appRef == null) {
            return Optional.empty();
        }
        if (SLUG.matcher(appRef).matches()) {
            Optional<App> bySlug = repository.app(org.id(), appRef);
            if (bySlug.isPresent()) {
                return bySlug;
            }
        }
        if (appRef.matches("\\d{1,18}")) {
            return repository.app(Long.parseLong(appRef)).filter(a -> a.organizationId() == org.id());
        }
        return Optional.empty();
    }

    /** The app with this id, if the caller may act on it with at least {@code min}. */
    public App appById(Principal caller, long appId, Role min) {
        App app = inScope(caller, repository.app(appId).orElseThrow(CatalogService::notFound));
        organization(caller, app.organizationSlug(), min);
        return app;
    }

    public void deleteApp(Principal caller, String orgSlug, String appRef) {
        requireUnbound(caller);
        App app = app(caller, orgSlug, appRef, Role.OWNER);
        List<AppBuild> builds = repository.inTransaction(h -> {
            List<AppBuild> locked = repository.lockBuildsOfApp(h, app.id());
            locked.forEach(b -> withdraw(h, b.id()));
            repository.deleteApp(h, app.id());
            return locked;
        });
        builds.forEach(this::deleteBlobsOf);
    }

    // ---- builds --------------------------------------------------------------------------------

    public List<AppBuild> builds(Principal caller, String orgSlug, String appRef) {
        return repository.builds(app(caller, orgSlug, appRef, Role.VIEWER).id());
    }

    public AppBuild build(Principal caller, String orgSlug, String appRef, long buildId, Role min) {
        App app = app(caller, orgSlug, appRef, min);
        return repository.build(app.id(), buildId).orElseThrow(() ->
                notFound("There is no build " + buildId + " of " + app.organizationSlug() + "/" + app.slug() + "."));
    }

    /** A build by id alone, if the caller may see it; used by the upload status endpoint. */
    public AppBuild build(Principal caller, long buildId) {
        AppBuild b = repository.build(buildId).orElseThrow(() -> notFound("There is no app build " + buildId + "."));
        appById(caller, b.appId(), Role.VIEWER);
        return b;
    }

    /** A build by id without access checks, for delivery of a token already issued. */
    public Optional<AppBuild> buildForDelivery(long buildId) {
        return repository.build(buildId);
    }

    public App appOf(AppBuild build) {
        return repository.app(build.appId()).orElseThrow(CatalogService::notFound);
    }

    /**
     * Records a build whose bytes are stored and queues its inspection, in one transaction. With
     * {@code uploadId}, the build of an earlier, interrupted completion of that upload is returned
     * instead of a second one.
     */
    public AppBuild addBuild(Principal caller, App app, String fileName, StoredBlob blob, String md5, String changelog,
                             List<String> tags, String versionName, String uploadId) {
        if (uploadId != null) {
            Optional<AppBuild> earlier = repository.buildOfUpload(uploadId);
            if (earlier.isPresent()) {
                added.forEach(l -> l.accept(earlier.get())); // the listeners may not have heard of it before the crash
                return earlier.get();
            }
        }
        organization(caller, app.organizationSlug(), Role.MAINTAINER);
        BuildKind kind = checkBuildFile(app, fileName);
        String text = changelog == null ? "" : LongText.check("A changelog", changelog);
        List<String> cleanTags = cleanTags(tags);
        long id;
        try {
            id = repository.insertBuild(app.id(), kind, fileName, blob.size(), blob.key().sha256(), md5, text, cleanTags,
                    versionName, caller.userId(), clock.millis(), uploadId,
                    (h, buildId) -> jobs.enqueue(h, INSPECT_JOB, Long.toString(buildId)));
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            Optional<AppBuild> concurrent = uploadId == null ? Optional.empty() : repository.buildOfUpload(uploadId);
            if (concurrent.isPresent()) {
                return concurrent.get();
            }
            throw e;
        }
        jobsAdded.run();
        AppBuild build = repository.build(id).orElseThrow();
        added.forEach(l -> l.accept(build));
        return build;
    }

    /**
     * The kind of build a file is, if {@code app} takes it: an Android app takes .apk and .aab
     * files, an iOS app .ipa files.
     */
    public static BuildKind checkBuildFile(App app, String fileName) {
        new SafeFileName(fileName);
        BuildKind kind = BuildKind.ofFileName(fileName);
        boolean ios = app.platform().equals("ios");
        boolean ok = ios ? kind == BuildKind.IPA : kind == BuildKind.APK || kind == BuildKind.AAB;
        if (!ok) {
            throw new DepotException.Invalid("unsupported_build_type", "A " + app.platform() + " app takes "
                    + (ios ? ".ipa files." : ".apk and .aab files."));
        }
        return kind;
    }

    /** The app build an upload became, if it did. */
    public Optional<AppBuild> buildOfUpload(String uploadId) {
        return repository.buildOfUpload(uploadId);
    }

    public AppBuild updateBuild(Principal caller, String orgSlug, String appRef, long buildId, Boolean enabled,
                                String changelog, List<String> tags) {
        AppBuild b = build(caller, orgSlug, appRef, buildId, Role.MAINTAINER);
        String newChangelog = changelog == null ? null : LongText.check("A changelog", changelog);
        List<String> newTags = tags == null ? null : cleanTags(tags); // both checked before anything changes
        repository.inTransaction(h -> {
            AppBuild now = lockBuild(h, b.id());
            if (Boolean.FALSE.equals(enabled)) {
                withdraw(h, now.id()); // also when already disabled: nothing disabled stays published
            }
            repository.updateBuild(h, now.id(), enabled == null ? now.enabled() : enabled,
                    newChangelog == null ? now.changelog() : newChangelog, newTags == null ? now.tags() : newTags);
            return null;
        });
        return repository.build(b.id()).orElseThrow();
    }

    /** Deletes a build; its bytes go too unless another build holds the same bytes. */
    public void deleteBuild(Principal caller, String orgSlug, String appRef, long buildId) {
        AppBuild b = build(caller, orgSlug, appRef, buildId, Role.MAINTAINER);
        repository.inTransaction(h -> {
            lockBuild(h, b.id());
            withdraw(h, b.id());
            repository.deleteBuild(h, b.id());
            return null;
        });
        deleteBlobsOf(b);
    }

    /** The build's file, and the universal APK made from it, unless other builds still need them. */
    private void deleteBlobsOf(AppBuild b) {
        deleteBlobIfUnreferenced(b.sha256());
        Object universal = b.facts().get("universalApkSha256");
        if (universal instanceof String sha && BlobKey.isValid(sha)) {
            deleteBlobIfUnreferenced(sha);
        }
    }

    /** Deletes the stored bytes with this SHA-256 unless a build, a universal APK or a feed sample still needs them. */
    public void releaseBlob(String sha256) {
        deleteBlobIfUnreferenced(sha256);
    }

    private void deleteBlobIfUnreferenced(String sha256) {
        if (repository.buildsReferencing(sha256) == 0) {
            try {
                blobs.delete(new BlobKey(sha256));
            } catch (IOException e) {
                log.warn("could not delete blob {}: {}", sha256, e.toString());
            }
        }
    }

    // ---- processing (called by the inspection job) ---------------------------------------------

    /** Claims a pending build for processing; empty when it is gone or not pending. */
    Optional<AppBuild> startProcessing(long buildId) {
        repository.transition(buildId, AppBuild.PENDING, AppBuild.IN_PROGRESS);
        return repository.build(buildId).filter(b -> b.status().equals(AppBuild.IN_PROGRESS));
    }

    void finishProcessing(long buildId, String factsJson, String versionName, Long versionCode) {
        repository.markProcessed(buildId, factsJson, versionName, versionCode, clock.millis());
        repository.build(buildId).ifPresent(b -> processed.forEach(l -> l.accept(b)));
    }

    void failProcessing(long buildId, String error) {
        repository.markError(buildId, error, clock.millis());
    }

    Optional<App> appForProcessing(long appId) {
        return repository.app(appId);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static List<String> cleanTags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : tags) {
            String s = t.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!TAG.matcher(s).matches()) {
                throw new DepotException.Invalid("invalid_tag", "A tag is 1-40 letters, digits, '.', '_' or '-'.");
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    public static List<String> splitTags(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.split("[,\\s]+"));
    }

    private static void requireSlug(String slug, String what) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new DepotException.Invalid("invalid_slug",
                    "An " + what + " id is 1-63 lowercase letters, digits or '-', starting with a letter or digit.");
        }
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new DepotException.Invalid("invalid_name", "A name is 1-200 characters.");
        }
        return name.trim();
    }

    private static DepotException.NotFound notFound(String message) {
        return new DepotException.NotFound("entity_not_found", message);
    }

    private static DepotException.NotFound notFound() {
        return new DepotException.NotFound("entity_not_found", "Entity not found");
    }
}
