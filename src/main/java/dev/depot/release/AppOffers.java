package dev.depot.release;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a phone checking for app updates is offered once the app has releases: per channel it may
 * see, the newest release that reaches it. An app without releases offers whatever its
 * repositories list, as before channels existed.
 */
public final class AppOffers {
    /** Newest first: by version code, then by the build's id. */
    private static final Comparator<Candidate> NEWEST_FIRST = Comparator
            .comparing((Candidate c) -> Objects.requireNonNullElse(c.versionCode(), Long.MIN_VALUE))
            .thenComparingLong(c -> c.release().buildId()).reversed();

    private final ReleaseService releases;
    private final Installations installations;

    public AppOffers(ReleaseService releases, Installations installations) {
        this.releases = releases;
        this.installations = installations;
    }

    /**
     * The builds of the app its releases offer this phone on {@code channel} (the default when
     * null), newest first; empty when the app has no release at all.
     */
    public Optional<Set<Long>> offered(long appId, String channel, Asker asker) {
        ReleaseTarget target = ReleaseTarget.app(appId);
        return releases.plan(target).map(plan -> {
            Channel c = releases.channelOf(plan, channel);
            Set<Long> failed = Set.of();
            if (asker.installation() != null) {
                failed = installations.failedReleases(installations.contact(target, asker.installation(), c.name()));
            }
            Set<Long> builds = new LinkedHashSet<>();
            for (Candidate o : releases.offers(plan, c, asker.bucketKey(), failed, x -> true, NEWEST_FIRST)) {
                builds.add(o.release().buildId());
            }
            return builds;
        });
    }
}
