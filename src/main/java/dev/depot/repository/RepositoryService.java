package dev.depot.repository;

import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.AppBuildEvent;
import dev.depot.catalog.BuildKind;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.release.AppOffers;
import dev.depot.release.Asker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Repositories of published app builds. Each publish or unpublish makes a new revision with a
 * state hash; the changes of every kept revision are stored, so a client holding an older hash
 * learns what changed by reading only the changes since (and one holding the current hash, by
 * one comparison). Repositories are public: app stores read them without a token.
 */
public final class RepositoryService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private final RepositoryTables tables;
    private final Catalog catalog;
    private final AppOffers offers;
    private final Clock clock;
    private final long keepRevisions;
    private final List<Consumer<Repository>> revisions = new CopyOnWriteArrayList<>();

    public RepositoryService(RepositoryTables tables, Catalog catalog, AppOffers offers, Clock clock, long keepRevisions) {
        this.tables = tables;
        this.offers = offers;
        this.catalog = catalog;
        this.clock = clock;
        this.keepRevisions = Math.max(1, keepRevisions);
        catalog.events().subscribe(event -> {
            if (event instanceof AppBuildEvent.Withdrawn(Handle h, long buildId)) {
                unpublishEverywhere(h, buildId);
            }
        });
    }

    /** Called with a repository's new state once a revision of it has committed (from the committing thread). */
    public void onRevision(Consumer<Repository> listener) {
        revisions.add(listener);
    }

    private void revised(Handle h, long repoId) {
        h.afterCommit(() -> tables.byId(repoId).ifPresent(r -> revisions.forEach(l -> l.accept(r))));
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public Repository create(Principal caller, String orgSlug, String name, String title, String description) {
        catalog.organizations().requireUnbound(caller);
        Organization org = catalog.organizations().organization(caller, orgSlug, Role.MAINTAINER);
        if (!isValidName(name)) {
            throw new DepotException.Invalid("invalid_name",
                    "A repository name is 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        if (tables.byName(name).isPresent()) {
            throw new DepotException.Conflict("duplicate_repository", "A repository '" + name + "' already exists.");
        }
        String t = title == null || title.isBlank() ? name : title.trim();
        tables.insert(org.id(), name, t, description == null ? "" : description, StateHash.stateHash(name, StateHash.EMPTY_SUM),
                clock.millis());
        return tables.byName(name).orElseThrow();
    }

    public List<Repository> ofOrganization(Principal caller, String orgSlug) {
        return tables.ofOrganization(catalog.organizations().organization(caller, orgSlug, Role.VIEWER).id());
    }

    /** Every repository, for anyone: repositories are public. */
    public List<Repository> all() {
        return tables.all();
    }

    /** A repository by name, if there is one. */
    public Optional<Repository> find(String name) {
        return isValidName(name) ? tables.byName(name) : Optional.empty();
    }

    /** A repository by name, for anyone: repositories are public. */
    public Repository require(String name) {
        return (isValidName(name) ? tables.byName(name) : Optional.<Repository>empty()).orElseThrow(() ->
                new DepotException.NotFound("unknown_repository", "Entity not found"));
    }

    private Repository requireManaged(Principal caller, String orgSlug, String name) {
        Organization org = catalog.organizations().organization(caller, orgSlug, Role.MAINTAINER);
        Repository r = require(name);
        if (r.organizationId() != org.id()) {
            throw new DepotException.NotFound("unknown_repository", "Entity not found");
        }
        return r;
    }

    /** Publishes a processed, enabled, verified APK of the repository's organization. */
    public Repository publish(Principal caller, String orgSlug, String name, long buildId) {
        Repository repo = requireManaged(caller, orgSlug, name);
        AppBuild build = catalog.builds().build(caller, buildId);
        App app = catalog.apps().appOf(build);
        if (app.organizationId() != repo.organizationId()) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        if (build.kind() != BuildKind.APK) {
            throw new DepotException.Invalid("not_an_apk", "Only APK builds can be published to a repository.");
        }
        if (build.status().equals(AppBuild.ERROR)) {
            // still "not processed" (5014) for the clients that read the code; the message says it failed, and why
            throw new DepotException.Conflict("build_not_processed", "The build's inspection failed (" + build.error()
                    + "); only a build that was read successfully can be published.");
        }
        if (!build.processed()) {
            throw new DepotException.Conflict("build_not_processed", "Build Not Processed");
        }
        if (!build.enabled()) {
            throw new DepotException.Invalid("build_disabled", "A disabled build cannot be published.");
        }
        String signer = signer(build).orElseThrow(() -> new DepotException.Invalid("unsigned_build",
                "Only APKs whose signature verifies can be published; this one's does not."));
        String pkg = String.valueOf(build.facts().get("packageName"));
        long versionCode = build.versionCode() == null ? 0 : build.versionCode();
        return tables.jdbi().inTransaction(h -> {
            // the build as it is now, locked against a concurrent disable or delete until this commits
            AppBuild now = catalog.builds().lockBuild(h, buildId);
            if (!now.enabled()) {
                throw new DepotException.Invalid("build_disabled", "A disabled build cannot be published.");
            }
            Repository current = tables.lock(h, repo.id());
            if (tables.hasEntry(h, repo.id(), buildId)) {
                throw new DepotException.Conflict("already_published", "This build is already in " + name + ".");
            }
            long rev = current.revision() + 1;
            String sum = StateHash.add(current.stateSum(), StateHash.line(pkg, versionCode, build.sha256(), signer));
            String hash = StateHash.stateHash(name, sum);
            long time = clock.millis();
            tables.insertEntry(h, repo.id(), buildId, pkg, versionCode, signer, rev, time);
            tables.insertChange(h, repo.id(), rev, buildId, "added", pkg, versionCode);
            tables.insertRevision(h, repo.id(), rev, hash, current.entriesCount() + 1, time);
            tables.advance(h, repo.id(), rev, hash, sum, current.entriesCount() + 1, time);
            revised(h, repo.id());
            if (rev - keepRevisions > 0) {
                tables.prune(h, repo.id(), rev - keepRevisions + 1);
            }
            return tables.lock(h, repo.id());
        });
    }

    public Repository unpublish(Principal caller, String orgSlug, String name, long buildId) {
        Repository repo = requireManaged(caller, orgSlug, name);
        if (caller.appId() != null) {
            catalog.builds().build(caller, buildId); // a token bound to an app unpublishes that app's builds only
        }
        return removeEntry(repo.id(), buildId).orElseThrow(() ->
                new DepotException.NotFound("entity_not_found", "Entity not found"));
    }

    private Optional<Repository> removeEntry(long repoId, long buildId) {
        return tables.jdbi().inTransaction(h -> removeEntry(h, repoId, buildId));
    }

    private Optional<Repository> removeEntry(Handle h, long repoId, long buildId) {
        Repository current = tables.lock(h, repoId);
        Optional<RepositoryEntry> entry = tables.entry(h, repoId, buildId);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        RepositoryEntry e = entry.get();
        long rev = current.revision() + 1;
        String sum = StateHash.remove(current.stateSum(), StateHash.line(e.packageName(), e.versionCode(), e.sha256(), e.signer()));
        String hash = StateHash.stateHash(current.name(), sum);
        long now = clock.millis();
        tables.deleteEntry(h, repoId, buildId);
        tables.insertChange(h, repoId, rev, buildId, "removed", e.packageName(), e.versionCode());
        tables.insertRevision(h, repoId, rev, hash, current.entriesCount() - 1, now);
        tables.advance(h, repoId, rev, hash, sum, current.entriesCount() - 1, now);
        revised(h, repoId);
        if (rev - keepRevisions > 0) {
            tables.prune(h, repoId, rev - keepRevisions + 1);
        }
        return Optional.of(tables.lock(h, repoId));
    }

    /**
     * A build that is disabled or deleted leaves every repository it was in, in the transaction
     * that disables or deletes it (which holds the build's lock, so no publish can slip in).
     */
    void unpublishEverywhere(Handle h, long buildId) {
        for (long repoId : tables.repositoriesHolding(h, buildId)) {
            removeEntry(h, repoId, buildId);
        }
    }

    /** What a repository's stored count and state hash are, and what its entries say they should be. */
    public record Verification(String repository, int storedCount, int actualCount, String storedHash, String actualHash) {
        public boolean ok() {
            return storedCount == actualCount && storedHash.equals(actualHash);
        }
    }

    /** Recomputes the count and the state hash of a repository from its entries, and compares. */
    public Verification verify(Repository repo) {
        return tables.jdbi().inTransaction(h -> verify(h, tables.lock(h, repo.id())));
    }

    private Verification verify(Handle h, Repository current) {
        List<RepositoryEntry> entries = tables.entries(h, current.id());
        String sum = StateHash.EMPTY_SUM;
        for (RepositoryEntry e : entries) {
            sum = StateHash.add(sum, StateHash.line(e.packageName(), e.versionCode(), e.sha256(), e.signer()));
        }
        return new Verification(current.name(), current.entriesCount(), entries.size(), current.stateHash(),
                StateHash.stateHash(current.name(), sum));
    }

    /**
     * Makes a repository's count and state hash those of its entries again, as a new revision. The
     * history before it is dropped: what changed since an older hash cannot be told from a drifted
     * history, so clients holding one fetch the whole index.
     */
    public Verification repair(Repository repo) {
        return tables.jdbi().inTransaction(h -> {
            Repository current = tables.lock(h, repo.id());
            Verification v = verify(h, current);
            if (v.ok()) {
                return v;
            }
            String sum = StateHash.EMPTY_SUM;
            for (RepositoryEntry e : tables.entries(h, current.id())) {
                sum = StateHash.add(sum, StateHash.line(e.packageName(), e.versionCode(), e.sha256(), e.signer()));
            }
            long rev = current.revision() + 1;
            long now = clock.millis();
            tables.insertRevision(h, current.id(), rev, v.actualHash(), v.actualCount(), now);
            tables.advance(h, current.id(), rev, v.actualHash(), sum, v.actualCount(), now);
            revised(h, current.id());
            tables.prune(h, current.id(), rev);
            return v;
        });
    }

    public List<RepositoryEntry> entries(Repository repo) {
        return tables.entries(repo.id());
    }

    /** The packages that changed after {@code revision}; empty when that history is no longer kept. */
    public Optional<Set<String>> packagesChangedSince(Repository repo, long revision) {
        return tables.packagesChangedSince(repo.id(), revision);
    }

    /** The published versions of one package, newest first. */
    public List<RepositoryEntry> versions(Repository repo, String packageName) {
        return tables.entriesOfPackage(repo.id(), packageName);
    }

    /** What a client holding {@code hash} should know, for Aptoide's check. */
    public sealed interface Check {
        record UpToDate() implements Check {}

        record Changed(long added, long removed) implements Check {}

        record Unknown(int appsCount) implements Check {}
    }

    public Check check(Repository repo, String hash) {
        if (repo.stateHash().equals(hash)) {
            return new Check.UpToDate();
        }
        Optional<Long> rev = tables.revisionOf(repo.id(), hash);
        if (rev.isEmpty()) {
            return new Check.Unknown(repo.entriesCount());
        }
        long[] counts = tables.netCountsSince(repo.id(), rev.get());
        return new Check.Changed(counts[0], counts[1]);
    }

    /** The net changes since a state this server issued; NotFound ({@code unknown_hash}) otherwise. */
    public Delta changesSince(Repository repo, String hash) {
        if (repo.stateHash().equals(hash)) {
            return new Delta(hash, hash, repo.revision(), repo.revision(), List.of(), List.of());
        }
        long rev = tables.revisionOf(repo.id(), hash).orElseThrow(() -> new DepotException.NotFound("unknown_hash",
                "This state hash is unknown (never issued, or older than the kept history): fetch the whole index."));
        List<Delta.Change> added = new ArrayList<>();
        List<Delta.Change> removed = new ArrayList<>();
        for (Map.Entry<Delta.Change, Integer> c : tables.netChangesSince(repo.id(), rev)) {
            (c.getValue() > 0 ? added : removed).add(c.getKey());
        }
        return new Delta(hash, repo.stateHash(), rev, repo.revision(), added, removed);
    }

    public Optional<RepositoryEntry> entry(Repository repo, long buildId) {
        return tables.entry(repo.id(), buildId);
    }

    /** An installed app as a client reports it. */
    public record Installed(String packageName, long versionCode, String signer) {}

    /**
     * For each installed app, the newest version in the repository that is newer and signed by the
     * same key; for an app with releases, only among the versions its releases offer this phone on
     * {@code channel} (its default channel when null).
     */
    public List<RepositoryEntry> updates(Repository repo, List<Installed> installed, String channel, Asker asker) {
        if (installed.size() > 5000) {
            throw new DepotException.Invalid("too_many_apps", "At most 5000 installed apps per request.");
        }
        List<RepositoryEntry> out = new ArrayList<>();
        for (Installed i : installed) {
            if (i.packageName() == null || i.signer() == null) {
                throw new DepotException.Invalid("invalid_parameters", "Each installed app needs package, versionCode and signer.");
            }
            List<RepositoryEntry> entries = tables.entriesOfPackage(repo.id(), i.packageName());
            if (entries.isEmpty()) {
                continue;
            }
            Optional<Set<Long>> released = appOf(entries.getFirst())
                    .flatMap(appId -> offers.offered(appId, channel, asker));
            entries.stream()
                    .filter(e -> released.map(ids -> ids.contains(e.buildId())).orElse(true))
                    .filter(e -> e.versionCode() > i.versionCode() && e.signer().equalsIgnoreCase(i.signer()))
                    .findFirst().ifPresent(out::add);
        }
        return out;
    }

    /** The app a published entry is a version of. */
    private Optional<Long> appOf(RepositoryEntry e) {
        return catalog.builds().buildForDelivery(e.buildId()).map(AppBuild::appId);
    }

    /** The app of a package this repository publishes, if it publishes it. */
    public Optional<Long> appOfPackage(Repository repo, String packageName) {
        List<RepositoryEntry> entries = tables.entriesOfPackage(repo.id(), packageName);
        return entries.isEmpty() ? Optional.empty() : appOf(entries.getFirst());
    }

    @SuppressWarnings("unchecked")
    static Optional<String> signer(AppBuild build) {
        Object signing = build.facts().get("signing");
        if (signing instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("verified"))
                && m.get("signerCertSha256") instanceof List<?> certs && !certs.isEmpty()) {
            return Optional.of(String.valueOf(certs.getFirst()));
        }
        return Optional.empty();
    }
}
