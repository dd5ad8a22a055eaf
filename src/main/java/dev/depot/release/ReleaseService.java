package dev.depot.release;

import dev.depot.auth.Principal;
import dev.depot.catalog.AppService;
import dev.depot.catalog.Role;
import dev.depot.core.ChangeBoundCache;
import dev.depot.core.DepotException;
import dev.depot.core.PageSize;
import dev.depot.ota.Device;
import dev.depot.ota.DeviceService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Channels and releases of devices (ROM builds) and apps (app builds): releasing a build to a
 * channel, promoting it to another, staging it by percentage, pausing, resuming, completing and
 * rolling it back; and what a device is offered. A target without any release is answered as it
 * was before channels existed; once it has one, only its releases are offered.
 */
public final class ReleaseService {
    /** The channels a device or app gets when its first release names one of them. */
    public static final List<String> STANDARD_CHANNELS = List.of("stable", "beta", "nightly");

    private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final ReleaseRepository repository;
    private final DeviceService devices;
    private final AppService apps;
    private final ReleaseChanges changes;
    private final ChangeBoundCache<ReleaseTarget, Optional<OfferPlan>> plans;
    private final Clock clock;

    public ReleaseService(ReleaseRepository repository, DeviceService devices, AppService apps, ReleaseChanges changes,
                          LongSupplier buildChanges, Duration cacheTtl, Clock clock) {
        this.repository = repository;
        this.devices = devices;
        this.apps = apps;
        this.changes = changes;
        this.plans = new ChangeBoundCache<>(() -> changes.count() + buildChanges.getAsLong(), cacheTtl, 10_000);
        this.clock = clock;
    }

    /** Grows with every change this node makes to channels, releases or their states. */
    public long changes() {
        return changes.count();
    }

    // --- targets: who may manage them, and what the public may ask about

    /** A device whose releases the caller may manage (its maintainers and admins). */
    public ReleaseTarget managedDevice(Principal caller, String codename) {
        return ReleaseTarget.device(devices.managedDevice(caller, codename).id());
    }

    /** An app whose releases the caller may manage (its organization's maintainers and owners). */
    public ReleaseTarget managedApp(Principal caller, String org, String app) {
        return ReleaseTarget.app(apps.app(caller, org, app, Role.MAINTAINER).id());
    }

    /** An app whose releases the caller may see. */
    public ReleaseTarget viewedApp(Principal caller, String org, String app) {
        return ReleaseTarget.app(apps.app(caller, org, app, Role.VIEWER).id());
    }

    /** A device the public sees, as devices asking for updates name it. */
    public ReleaseTarget publicDevice(String codename) {
        Device d = devices.visibleDevice(codename).orElseThrow(() ->
                new DepotException.NotFound("unknown_device", "The specified device does not exist!"));
        return ReleaseTarget.device(d.id());
    }

    // --- channels

    public List<Channel> channels(ReleaseTarget target) {
        return repository.channels(target);
    }

    /**
     * Creates a channel, or changes its stability or makes it the default. The first channel of a
     * target is its default.
     */
    public Channel putChannel(ReleaseTarget target, String name, Integer stability, boolean makeDefault) {
        String n = channelName(name);
        Channel out = repository.inTransaction(h -> {
            repository.lockChannels(h, target);
            List<Channel> existing = repository.channels(h, target);
            Optional<Channel> same = existing.stream().filter(c -> c.name().equals(n)).findFirst();
            long id;
            if (same.isPresent()) {
                id = same.get().id();
                if (stability != null) {
                    repository.updateChannel(h, id, checkStability(stability));
                }
            } else {
                int s = stability != null ? checkStability(stability)
                        : existing.stream().mapToInt(Channel::stability).max().orElse(-1) + 1;
                id = repository.insertChannel(h, target, n, s, existing.isEmpty(), clock.millis());
            }
            if (makeDefault) {
                repository.setDefault(h, target, id);
            }
            return repository.channels(h, target).stream().filter(c -> c.id() == id).findFirst().orElseThrow();
        });
        changes.changed();
        return out;
    }

    private Channel channel(Handle h, ReleaseTarget target, String name) {
        String n = channelName(name);
        List<Channel> existing = repository.channels(h, target);
        if (existing.isEmpty() && STANDARD_CHANNELS.contains(n)) {
            for (int i = 0; i < STANDARD_CHANNELS.size(); i++) {
                repository.insertChannel(h, target, STANDARD_CHANNELS.get(i), i, i == 0, clock.millis());
            }
            existing = repository.channels(h, target);
        }
        return existing.stream().filter(c -> c.name().equals(n)).findFirst().orElseThrow(() -> unknownChannel(n));
    }

    private static DepotException unknownChannel(String name) {
        return new DepotException.NotFound("unknown_channel", "There is no channel '" + name + "' here.");
    }

    private static String channelName(String name) {
        if (name == null || !CHANNEL_NAME.matcher(name).matches()) {
            throw new DepotException.Invalid("invalid_channel",
                    "A channel name is 1-32 lowercase letters, digits, _ or -, starting with a letter or digit.");
        }
        return name;
    }

    private static int checkStability(int stability) {
        if (stability < 0 || stability > 1000) {
            throw new DepotException.Invalid("invalid_stability", "A channel's stability is 0 (most stable) to 1000.");
        }
        return stability;
    }

    // --- releases

    /** What a new release says: where, which build, to how many, and the halt rule it is held to. */
    public record NewRelease(String channel, long buildId, int basisPoints, boolean allowDowngrade, HaltRule haltRule) {}

    /** Releases a published build of the target to one of its channels; the same build may be in several. */
    public Release create(Principal caller, ReleaseTarget target, NewRelease spec) {
        ReleaseRepository.BuildOwner owner = repository.buildOwner(spec.buildId()).filter(o -> o.belongsTo(target))
                .orElseThrow(() -> new DepotException.NotFound("unknown_build", "There is no such build here."));
        if (!owner.published()) {
            throw new DepotException.Conflict("build_not_published",
                    "Only an enabled build that was processed can be released.");
        }
        checkBasisPoints(spec.basisPoints());
        long id = repository.inTransaction(h -> {
            repository.lockChannels(h, target);
            Channel c = channel(h, target, spec.channel());
            long now = clock.millis();
            long rid = repository.insertRelease(h, c.id(), spec.buildId(), ReleaseState.ROLLING, spec.basisPoints(),
                    spec.allowDowngrade(), spec.haltRule(), caller.userId(), now);
            repository.insertEvent(h, rid, "created", "build " + spec.buildId() + " to " + c.name() + " at "
                    + Rollout.percentText(spec.basisPoints()) + " %", caller.userId(), now);
            return rid;
        });
        changes.changed();
        return repository.release(id).orElseThrow();
    }

    /** Releases the build of a release to another channel (nightly to beta, beta to stable): no byte changes. */
    public Release promote(Principal caller, ReleaseTarget target, long releaseId, String toChannel, int basisPoints) {
        Release from = release(target, releaseId);
        return create(caller, target, new NewRelease(toChannel, from.buildId(), basisPoints, false, from.haltRule()));
    }

    /** Offers a rolling (or paused) release to a new share of its channel's devices. */
    public Release rollout(Principal caller, ReleaseTarget target, long releaseId, int basisPoints) {
        checkBasisPoints(basisPoints);
        return transition(caller, target, releaseId, "percentage", r -> {
            if (!r.state().mayChangePercentage()) {
                throw new DepotException.Conflict("invalid_state", "A " + r.state().wireName() + " release has no percentage to change.");
            }
            return new Change(r.state(), basisPoints, r.haltReason(), r.haltedAt(), Rollout.percentText(basisPoints) + " %");
        });
    }

    /** Stops offering the release to new devices until it is resumed. */
    public Release pause(Principal caller, ReleaseTarget target, long releaseId) {
        return transition(caller, target, releaseId, "paused", r -> {
            if (!r.state().mayPause()) {
                throw new DepotException.Conflict("invalid_state", "Only a rolling or complete release can be paused; this one is "
                        + r.state().wireName() + ".");
            }
            return new Change(ReleaseState.PAUSED, r.basisPoints(), null, null, "");
        });
    }

    /** Offers a paused or halted release again; the halt rule then counts from now. */
    public Release resume(Principal caller, ReleaseTarget target, long releaseId) {
        return transition(caller, target, releaseId, "resumed", r -> {
            if (!r.state().mayResume()) {
                throw new DepotException.Conflict("invalid_state", "Only a paused or halted release can be resumed; this one is "
                        + r.state().wireName() + ".");
            }
            return new Change(ReleaseState.ROLLING, r.basisPoints(), null, null, "");
        });
    }

    /** Offers the release to every device of its channel. */
    public Release complete(Principal caller, ReleaseTarget target, long releaseId) {
        return transition(caller, target, releaseId, "completed", r -> {
            if (!r.state().mayCompleteOrRollBack()) {
                throw new DepotException.Conflict("invalid_state", "A rolled back release cannot be completed; release the build again.");
            }
            return new Change(ReleaseState.COMPLETE, Rollout.ALL, null, null, "");
        });
    }

    /** Withdraws the release: its channel offers the release before it again. */
    public Release rollback(Principal caller, ReleaseTarget target, long releaseId) {
        return transition(caller, target, releaseId, "rolled_back", r -> {
            if (!r.state().mayCompleteOrRollBack()) {
                throw new DepotException.Conflict("invalid_state", "This release was already rolled back.");
            }
            return new Change(ReleaseState.ROLLED_BACK, r.basisPoints(), r.haltReason(), r.haltedAt(), "");
        });
    }

    /** Changes the halt rule of a release, and whether it may be offered as a downgrade. */
    public Release configure(Principal caller, ReleaseTarget target, long releaseId, HaltRule rule, boolean allowDowngrade) {
        release(target, releaseId);
        repository.inTransaction(h -> {
            repository.lockRelease(h, releaseId);
            long now = clock.millis();
            repository.setHaltRule(h, releaseId, rule, allowDowngrade, now);
            repository.insertEvent(h, releaseId, "configured", "halt above " + Rollout.percentText(rule.thresholdBp())
                    + " % over " + rule.minFinished() + " finished installs" + (allowDowngrade ? ", downgrades allowed" : ""),
                    caller.userId(), now);
            return null;
        });
        changes.changed();
        return repository.release(releaseId).orElseThrow();
    }

    private record Change(ReleaseState state, int basisPoints, String haltReason, Long haltedAt, String detail) {}

    private interface Transition {
        Change apply(Release current);
    }

    private Release transition(Principal caller, ReleaseTarget target, long releaseId, String event, Transition t) {
        release(target, releaseId);
        repository.inTransaction(h -> {
            Release r = repository.lockRelease(h, releaseId).orElseThrow();
            Change c = t.apply(r);
            long now = clock.millis();
            repository.setState(h, releaseId, c.state(), c.basisPoints(), c.haltReason(), c.haltedAt(), now);
            if (event.equals("resumed")) {
                repository.restartHaltRule(h, releaseId);
            }
            repository.insertEvent(h, releaseId, event, c.detail(), caller.userId(), now);
            return null;
        });
        changes.changed();
        return repository.release(releaseId).orElseThrow();
    }

    /** Halts a release the halt rule judged, in the transaction of the report that breached it. */
    void halt(Handle h, Release r, String reason) {
        long now = clock.millis();
        repository.setState(h, r.id(), ReleaseState.HALTED, r.basisPoints(), reason, now, now);
        repository.insertEvent(h, r.id(), "halted", reason, null, now);
        changes.changed();
    }

    /** Something the offers depend on changed (failures cleared). */
    void touched() {
        changes.changed();
    }

    private static void checkBasisPoints(int bp) {
        if (bp < 0 || bp > Rollout.ALL) {
            throw new DepotException.Invalid("invalid_percentage", "The percentage must be from 0 to 100.");
        }
    }

    /** A release of the target; 404 for a release of anything else. */
    public Release release(ReleaseTarget target, long releaseId) {
        return repository.release(releaseId).filter(r -> r.channel().target().equals(target))
                .orElseThrow(() -> new DepotException.NotFound("unknown_release", "There is no such release here."));
    }

    /** The target's releases (of one channel, or all), newest first, a page before {@code beforeId}. */
    public List<Release> releases(ReleaseTarget target, String channel, Long beforeId, int limit) {
        return repository.releases(target, channel == null ? null : channelName(channel), beforeId,
                PageSize.of(limit));
    }

    /** The release's failures by reason and hour. */
    public List<FailureCount> failures(ReleaseTarget target, long releaseId) {
        return repository.failures(release(target, releaseId).id());
    }

    /** What happened to the release, oldest first (its newest 200 events). */
    public List<ReleaseEvent> events(ReleaseTarget target, long releaseId) {
        return repository.events(release(target, releaseId).id(), PageSize.MAX);
    }

    // --- offers

    /**
     * What an offer chooses from: the target's channels and, per channel, its newest releases that
     * offer themselves. Empty when the target has no release at all.
     */
    public record OfferPlan(List<Channel> channels, Map<Long, List<Candidate>> candidates) {}

    /** The target's plan, kept while nothing changes (and in any case for the update cache's time). */
    public Optional<OfferPlan> plan(ReleaseTarget target) {
        return plans.get(target, () -> {
            if (!repository.hasReleases(target)) {
                return Optional.empty();
            }
            List<Channel> channels = repository.channels(target);
            Map<Long, List<Candidate>> candidates = new LinkedHashMap<>();
            for (Channel c : channels) {
                candidates.put(c.id(), repository.candidates(c.id()));
            }
            return Optional.of(new OfferPlan(channels, candidates));
        });
    }

    /** The channel a device asked for, or the default one when it named none. */
    public Channel channelOf(OfferPlan plan, String asked) {
        if (asked == null || asked.isBlank()) {
            return plan.channels().stream().filter(Channel::isDefault).findFirst()
                    .orElse(plan.channels().getFirst());
        }
        return plan.channels().stream().filter(c -> c.name().equals(asked)).findFirst()
                .orElseThrow(() -> unknownChannel(asked));
    }

    /**
     * What a device is offered on {@code channel}: for that channel and each more stable one, the
     * newest release that fits the device, offers itself to its key, and that it did not fail;
     * newest first (by {@code newer}), one per channel.
     */
    public List<Candidate> offers(OfferPlan plan, Channel channel, String deviceKey, Set<Long> failed,
                                                    Predicate<Candidate> fits,
                                                    Comparator<Candidate> newestFirst) {
        List<Candidate> out = new ArrayList<>();
        for (Channel c : plan.channels()) {
            if (c.stability() > channel.stability()) {
                continue;
            }
            for (Candidate candidate : plan.candidates().getOrDefault(c.id(), List.of())) {
                Release r = candidate.release();
                if (candidate.published() && fits.test(candidate) && !failed.contains(r.id()) && r.offeredTo(deviceKey)) {
                    out.add(candidate);
                    break;
                }
            }
        }
        out.sort(newestFirst);
        return out;
    }
}
