package dev.depot.catalog;

import dev.depot.auth.Principal;
import dev.depot.builds.BuildRepository;
import dev.depot.core.DepotException;
import dev.depot.storage.BlobHolds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The apps of organizations, and who may see or change one. An app the caller may not see (of
 * another organization, or another app than its token's) does not exist for the caller.
 */
public final class AppService {
    private static final Set<String> PLATFORMS = Set.of("android", "ios");

    private final OrganizationService organizations;
    private final AppRepository repository;
    private final BuildRepository builds;
    private final BlobHolds holds;
    private final AppBuildEvents events;
    private final Clock clock;

    public AppService(OrganizationService organizations, AppRepository repository, BuildRepository builds, BlobHolds holds,
                      AppBuildEvents events, Clock clock) {
        this.organizations = organizations;
        this.repository = repository;
        this.builds = builds;
        this.holds = holds;
        this.events = events;
        this.clock = clock;
    }

    public App createApp(Principal caller, String orgSlug, String slug, String name, String platform, String packageName) {
        organizations.requireUnbound(caller);
        Organization org = organizations.organization(caller, orgSlug, Role.MAINTAINER);
        OrganizationService.requireSlug(slug, "app");
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
        long id = repository.insertApp(org.id(), slug, OrganizationService.requireName(name), p,
                packageName == null || packageName.isBlank() ? null : packageName.trim(), clock.millis());
        return repository.app(id).orElseThrow();
    }

    public List<App> apps(Principal caller, String orgSlug) {
        return repository.apps(organizations.organization(caller, orgSlug, Role.VIEWER).id()).stream()
                .filter(a -> caller.appId() == null || caller.appId() == a.id()).toList();
    }

    /** The app, if the caller holds at least {@code min} in its organization. Accepts the slug or the numeric id. */
    public App app(Principal caller, String orgSlug, String appRef, Role min) {
        Organization org = organizations.organization(caller, orgSlug, min);
        return inScope(caller, findApp(org, appRef).orElseThrow(() -> noApp(appRef, org.slug())));
    }

    private Optional<App> findApp(Organization org, String appRef) {
        if (appRef == null) {
            return Optional.empty();
        }
        if (OrganizationService.SLUG.matcher(appRef).matches()) {
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
        App app = inScope(caller, repository.app(appId).orElseThrow(() ->
                new DepotException.NotFound("entity_not_found", "Entity not found")));
        organizations.organization(caller, app.organizationSlug(), min);
        return app;
    }

    /** The app a build belongs to, without access checks (the build was already checked). */
    public App appOf(AppBuild build) {
        return repository.app(build.appId()).orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
    }

    /** An app, by id, for the work of the server itself (inspection); no access checks. */
    Optional<App> appForProcessing(long appId) {
        return repository.app(appId);
    }

    /** Deletes an app with its builds: they leave every repository, and their bytes go unless something else holds them. */
    public void deleteApp(Principal caller, String orgSlug, String appRef) {
        organizations.requireUnbound(caller);
        App app = app(caller, orgSlug, appRef, Role.OWNER);
        List<String> released = builds.inTransaction(h -> {
            List<String> let = new ArrayList<>();
            for (long buildId : builds.lockBuildsOfApp(h, app.id())) {
                events.publish(new AppBuildEvent.Withdrawn(h, buildId));
                let.addAll(holds.release(h, BuildRepository.blobHolder(buildId)));
            }
            repository.deleteApp(h, app.id());
            return let;
        });
        holds.sweep(released);
    }

    /** A token bound to another app sees this one as it sees an app that does not exist. */
    static App inScope(Principal caller, App app) {
        if (caller.appId() != null && caller.appId() != app.id()) {
            throw noApp(app.slug(), app.organizationSlug());
        }
        return app;
    }

    private static DepotException.NotFound noApp(String appRef, String orgSlug) {
        return new DepotException.NotFound("entity_not_found", "There is no app '" + appRef + "' in " + orgSlug + ".");
    }
}
