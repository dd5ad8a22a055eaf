package dev.depot.catalog;

import dev.depot.auth.Principal;
import dev.depot.builds.BuildRepository;
import dev.depot.core.DepotException;
import dev.depot.core.LongText;
import dev.depot.core.SafeFileName;
import dev.depot.jobs.JobQueue;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.StoredBlob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * App builds: recording one whose bytes are stored (with its inspection queued), what changes one
 * (enabled, changelog, tags), deleting one, and the inspection's results. Publishing, disabling
 * and deleting one build lock its row first, so they happen one after another.
 */
public final class AppBuildService {
    public static final String INSPECT_JOB = "inspect-build";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,40}");

    private final OrganizationService organizations;
    private final AppService apps;
    private final AppRepository repository;
    private final BuildRepository builds;
    private final BlobHolds holds;
    private final JobQueue jobs;
    private final AppBuildEvents events;
    private final Clock clock;

    public AppBuildService(OrganizationService organizations, AppService apps, AppRepository repository, BuildRepository builds,
                           BlobHolds holds, JobQueue jobs, AppBuildEvents events, Clock clock) {
        this.organizations = organizations;
        this.apps = apps;
        this.repository = repository;
        this.builds = builds;
        this.holds = holds;
        this.jobs = jobs;
        this.events = events;
        this.clock = clock;
    }

    /** A page of an app's builds, newest first, after the build {@code before} (null: from the newest). */
    public List<AppBuild> builds(Principal caller, String orgSlug, String appRef, Long before, int limit) {
        App app = apps.app(caller, orgSlug, appRef, Role.VIEWER);
        if (before != null && repository.build(app.id(), before).isEmpty()) {
            throw new DepotException.Invalid("invalid_parameters", "'before' names no build of " + app.organizationSlug() + "/"
                    + app.slug() + ".");
        }
        return repository.builds(app.id(), before, limit);
    }

    public AppBuild build(Principal caller, String orgSlug, String appRef, long buildId, Role min) {
        App app = apps.app(caller, orgSlug, appRef, min);
        return repository.build(app.id(), buildId).orElseThrow(() ->
                notFound("There is no build " + buildId + " of " + app.organizationSlug() + "/" + app.slug() + "."));
    }

    /** A build by id alone, if the caller may see it; used by the upload status endpoint. */
    public AppBuild build(Principal caller, long buildId) {
        AppBuild b = repository.build(buildId).orElseThrow(() -> notFound("There is no app build " + buildId + "."));
        apps.appById(caller, b.appId(), Role.VIEWER);
        return b;
    }

    /** A build by id without access checks, for delivery of a token already issued. */
    public Optional<AppBuild> buildForDelivery(long buildId) {
        return repository.build(buildId);
    }

    /** The app build an upload became, if it did. */
    public Optional<AppBuild> buildOfUpload(String uploadId) {
        return repository.buildOfUpload(uploadId);
    }

    /**
     * The app build as it is now, locked in {@code transaction} against being disabled or deleted
     * until that transaction ends; NotFound when it is gone. Publishing checks the build with it.
     */
    public AppBuild lockBuild(Handle transaction, long buildId) {
        if (!builds.lock(transaction, buildId)) {
            throw notFound("There is no app build " + buildId + ".");
        }
        return repository.build(transaction, buildId).orElseThrow(() -> notFound("There is no app build " + buildId + "."));
    }

    /**
     * Records a build whose bytes are stored, holds its bytes and queues its inspection, in one
     * transaction. With {@code uploadId}, the build of an earlier, interrupted completion of that
     * upload is returned instead of a second one.
     */
    public AppBuild addBuild(Principal caller, App app, String fileName, StoredBlob blob, String md5, String sha1,
                             String changelog, List<String> tags, String versionName, String uploadId) {
        if (uploadId != null) {
            Optional<AppBuild> earlier = repository.buildOfUpload(uploadId);
            if (earlier.isPresent()) {
                events.publish(new AppBuildEvent.Added(earlier.get()));
                return earlier.get();
            }
        }
        organizations.organization(caller, app.organizationSlug(), Role.MAINTAINER);
        BuildKind kind = checkBuildFile(app, fileName);
        String text = changelog == null ? "" : LongText.check("A changelog", changelog);
        List<String> cleanTags = cleanTags(tags);
        long id;
        try {
            id = builds.insertAppBuild(new BuildRepository.NewAppBuild(app.id(), kind.wireName(), fileName, blob.size(),
                    blob.key().sha256(), md5, sha1, text, cleanTags, versionName, caller.userId(), clock.millis(), uploadId),
                    (h, buildId) -> {
                        holds.hold(h, blob.key().sha256(), BuildRepository.blobHolder(buildId));
                        jobs.enqueue(h, INSPECT_JOB, Long.toString(buildId));
                    });
        } catch (UnableToExecuteStatementException e) {
            Optional<AppBuild> concurrent = uploadId == null ? Optional.empty() : repository.buildOfUpload(uploadId);
            if (concurrent.isPresent()) {
                return concurrent.get();
            }
            throw e;
        }
        AppBuild build = repository.build(id).orElseThrow();
        events.publish(new AppBuildEvent.Added(build));
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

    public AppBuild updateBuild(Principal caller, String orgSlug, String appRef, long buildId, Boolean enabled,
                                String changelog, List<String> tags) {
        AppBuild b = build(caller, orgSlug, appRef, buildId, Role.MAINTAINER);
        String newChangelog = changelog == null ? null : LongText.check("A changelog", changelog);
        List<String> newTags = tags == null ? null : cleanTags(tags); // both checked before anything changes
        builds.inTransaction(h -> {
            AppBuild now = lockBuild(h, b.id());
            if (Boolean.FALSE.equals(enabled)) {
                events.publish(new AppBuildEvent.Withdrawn(h, now.id())); // also when already disabled: nothing disabled stays published
            }
            builds.updateAppBuild(h, now.id(), enabled == null ? now.enabled() : enabled,
                    newChangelog == null ? now.changelog() : newChangelog, newTags == null ? now.tags() : newTags);
            return null;
        });
        return repository.build(b.id()).orElseThrow();
    }

    /** Deletes a build; its bytes (and its universal APK's) go too unless something else holds them. */
    public void deleteBuild(Principal caller, String orgSlug, String appRef, long buildId) {
        AppBuild b = build(caller, orgSlug, appRef, buildId, Role.MAINTAINER);
        List<String> released = builds.inTransaction(h -> {
            lockBuild(h, b.id());
            events.publish(new AppBuildEvent.Withdrawn(h, b.id()));
            builds.delete(h, b.id());
            return holds.release(h, BuildRepository.blobHolder(b.id()));
        });
        holds.sweep(released);
    }

    // ---- processing (called by the inspection job) ---------------------------------------------

    /** Claims a pending build for processing; empty when it is gone or not pending. */
    Optional<AppBuild> startProcessing(long buildId) {
        builds.transition(buildId, AppBuild.PENDING, AppBuild.IN_PROGRESS);
        return repository.build(buildId).filter(b -> b.status().equals(AppBuild.IN_PROGRESS));
    }

    /**
     * The build holds bytes made from it (a bundle's universal APK): called before they are
     * stored, so they are never stored without a holder.
     */
    void holdMadeBytes(long buildId, String sha256) {
        holds.hold(sha256, BuildRepository.blobHolder(buildId));
    }

    /** Records what inspection read. */
    void finishProcessing(long buildId, String factsJson, String versionName, Long versionCode) {
        builds.markProcessed(buildId, factsJson, versionName, versionCode, clock.millis());
        repository.build(buildId).ifPresent(b -> events.publish(new AppBuildEvent.Processed(b)));
    }

    void failProcessing(long buildId, String error) {
        builds.markError(buildId, error, clock.millis());
    }

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

    private static DepotException.NotFound notFound(String message) {
        return new DepotException.NotFound("entity_not_found", message);
    }
}
