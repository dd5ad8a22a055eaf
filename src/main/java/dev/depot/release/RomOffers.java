package dev.depot.release;

import dev.depot.core.ChangeBoundCache;
import dev.depot.core.DepotException;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a phone checking for a ROM update is offered once its device has releases: per channel it
 * may see, the newest release of its variant that reaches it. A device without releases is
 * offered every published build, as before channels existed (whatever channel it names).
 */
public final class RomOffers {
    /** Newest build first: by build date, then by the build's id. */
    private static final Comparator<Candidate> NEWEST_FIRST = Comparator.comparing(Candidate::buildDate)
            .thenComparingLong(c -> c.release().buildId()).reversed();

    private final ReleaseService releases;
    private final Installations installations;
    private final RomBuildService builds;
    private final ChangeBoundCache<String, Checked> requests;

    public RomOffers(ReleaseService releases, Installations installations, RomBuildService builds, Duration cacheTtl) {
        this.releases = releases;
        this.installations = installations;
        this.builds = builds;
        this.requests = new ChangeBoundCache<>(() -> builds.changes() + releases.changes(), cacheTtl, 10_000);
    }

    /** What an update check names, checked, or why it was refused. */
    private record Checked(RomBuildService.UpdaterRequest request, DepotException refusal) {}

    /**
     * The device, variant and x86 type an update check names, checked as shipper checks them; the
     * answer (or the refusal) is kept while nothing changes, so a phone asking again costs no query.
     */
    public RomBuildService.UpdaterRequest request(String codename, String variant, String x86Type) {
        return request(codename + "/" + (x86Type == null ? "" : x86Type + "/") + variant, codename, variant, x86Type);
    }

    /** The same, with the key the caller already made of the three ({@code codename/[x86Type/]variant}). */
    public RomBuildService.UpdaterRequest request(String key, String codename, String variant, String x86Type) {
        Checked c = requests.get(key, () -> {
            try {
                return new Checked(builds.updaterRequest(codename, variant, x86Type), null);
            } catch (DepotException refusal) {
                return new Checked(null, refusal);
            }
        });
        if (c.refusal() != null) {
            throw c.refusal();
        }
        return c.request();
    }

    /**
     * The releases offered to a phone, newest first, or empty when the device has no release (then
     * every published build is offered). {@code cacheKey} names the answer: phones offered the same
     * releases share it.
     */
    public record Offer(String channel, List<Candidate> candidates, String cacheKey) {}

    public Optional<Offer> offer(RomBuildService.UpdaterRequest request, String channel, Asker asker) {
        return plan(request).map(p -> offer(request, p, channel, asker));
    }

    /** What the device's releases offer, kept while nothing changes; empty when it has none. */
    public Optional<ReleaseService.OfferPlan> plan(RomBuildService.UpdaterRequest request) {
        return releases.plan(ReleaseTarget.device(request.device().id()));
    }

    /** The releases this plan offers the phone, as {@link #offer(RomBuildService.UpdaterRequest, String, Asker)}. */
    public Offer offer(RomBuildService.UpdaterRequest request, ReleaseService.OfferPlan plan, String channel, Asker asker) {
        ReleaseTarget target = ReleaseTarget.device(request.device().id());
        Channel c = releases.channelOf(plan, channel);
        Set<Long> failed = Set.of();
        if (asker.installation() != null) {
            Installation i = installations.contact(target, asker.installation(), c.name());
            failed = installations.failedReleases(i);
        }
        String variant = request.variant().codename();
        List<Candidate> offered = releases.offers(plan, c, asker.bucketKey(), failed,
                candidate -> variant.equals(candidate.variant())
                        && (request.x86Type() == null || Objects.equals(request.x86Type(), candidate.x86Type())),
                NEWEST_FIRST);
        String key = request.device().codename() + "/" + (request.x86Type() == null ? "" : request.x86Type() + "/") + variant
                + "@" + c.name() + ":" + offered.stream().map(o -> Long.toString(o.release().id())).collect(Collectors.joining(","));
        return new Offer(c.name(), offered, key);
    }

    /**
     * The one build a phone running a build of {@code installedSeconds} (its build date, Unix
     * seconds; null when it does not say) should install: the newest its channels offer it that is
     * newer, or older only when its release allows a downgrade; for a device without releases, its
     * newest published build when newer. {@code build} is null when there is none; {@code channel}
     * and {@code release} are null for a device without releases.
     */
    public record Update(String channel, OtaBuild build, Release release) {}

    public Update update(RomBuildService.UpdaterRequest request, String channel, Asker asker, Long installedSeconds) {
        Optional<ReleaseService.OfferPlan> plan = plan(request);
        if (plan.isEmpty()) {
            OtaBuild newest = builds.updaterBuilds(request).getFirst();
            boolean newer = installedSeconds == null || newest.buildEpochSeconds() > installedSeconds;
            return new Update(null, newer ? newest : null, null);
        }
        Offer offer = offer(request, plan.get(), channel, asker);
        for (Candidate c : offer.candidates()) {
            Optional<OtaBuild> b = builds.publishedBuild(c.release().buildId());
            if (b.isPresent() && (installedSeconds == null || b.get().buildEpochSeconds() > installedSeconds
                    || c.release().allowDowngrade())) {
                return new Update(offer.channel(), b.get(), c.release());
            }
        }
        return new Update(offer.channel(), null, null);
    }

    /**
     * The builds of an offer, newest first, each once and at most {@code updater.max-builds};
     * refused as shipper refuses when there are none.
     */
    public List<OtaBuild> builds(Offer offer) {
        Set<Long> ids = new LinkedHashSet<>();
        List<OtaBuild> out = new ArrayList<>();
        for (Candidate c : offer.candidates()) {
            if (out.size() == builds.updaterLimit()) {
                break;
            }
            if (ids.add(c.release().buildId())) {
                builds.publishedBuild(c.release().buildId()).ifPresent(out::add);
            }
        }
        if (out.isEmpty()) {
            throw RomBuildService.noBuilds();
        }
        return out;
    }
}
