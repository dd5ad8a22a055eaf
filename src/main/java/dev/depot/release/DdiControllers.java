package dev.depot.release;

import dev.depot.builds.BuildRepository;
import dev.depot.core.DepotException;
import dev.depot.ota.Device;
import dev.depot.ota.DeviceService;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Devices that speak Eclipse hawkBit's Direct Device Integration API (SWUpdate's suricatta,
 * Eclipse Hara, hawkBit's device SDK), as installations of a Depot device: the tenant is the
 * device's codename, the controller id the installation's id. A controller is given the newest
 * release its channel offers it (every variant: a DDI device names none), as one action whose id
 * is the release's; its feedback becomes reports; a release withdrawn while it is at it becomes
 * a cancel action.
 */
public final class DdiControllers {
    /** Newest build first: by build date, then by the build's id. */
    private static final Comparator<Candidate> NEWEST_FIRST = Comparator.comparing(Candidate::buildDate)
            .thenComparingLong(c -> c.release().buildId()).reversed();

    private final ReleaseService releases;
    private final Installations installations;
    private final DeviceService devices;
    private final RomBuildService builds;
    private final BuildRepository buildRows;
    private final BlobStore blobs;

    public DdiControllers(ReleaseService releases, Installations installations, DeviceService devices, RomBuildService builds,
                          BuildRepository buildRows, BlobStore blobs) {
        this.releases = releases;
        this.installations = installations;
        this.devices = devices;
        this.builds = builds;
        this.buildRows = buildRows;
        this.blobs = blobs;
    }

    /** A controller that proved who it is. */
    public record Controller(ReleaseTarget target, Device device, Installation installation) {}

    /**
     * The controller, by its {@code Authorization} header: {@code TargetToken <its token>}, or
     * {@code GatewayToken <the device's token>} (which registers a controller on first contact).
     */
    public Controller authenticate(String tenant, String controllerId, String authorization) {
        Device device = devices.device(tenant).orElseThrow(() ->
                new DepotException.NotFound("unknown_tenant", "There is no device '" + tenant + "' here."));
        ReleaseTarget target = ReleaseTarget.device(device.id());
        Installations.checkKey(controllerId);
        if (authorization == null || authorization.isBlank()) {
            throw new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.MISSING);
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length == 2 && parts[0].equalsIgnoreCase("TargetToken")) {
            return new Controller(target, device, installations.authenticate(target, controllerId, parts[1]));
        }
        if (parts.length == 2 && parts[0].equalsIgnoreCase("GatewayToken") && installations.gatewayTokenMatches(target, parts[1])) {
            return new Controller(target, device, installations.contact(target, controllerId, null));
        }
        throw new DepotException.Unauthenticated(DepotException.Unauthenticated.Kind.INVALID);
    }

    /** What a poll finds: an action to deploy, or one to cancel, or neither. */
    public record Poll(Long deployment, Long cancel) {}

    public Poll poll(Controller c) {
        Installation i = installations.contact(c.target(), c.installation().key(), null);
        Optional<Standing> at = installations.unfinished(i);
        Optional<Candidate> offer = offer(c, i);
        if (at.isPresent()) {
            long releaseId = at.get().releaseId();
            if (stillOffered(c, i, releaseId)) {
                return new Poll(releaseId, null);
            }
            return new Poll(null, releaseId);
        }
        if (offer.isPresent()) {
            long releaseId = offer.get().release().id();
            boolean finished = installations.standing(i, releaseId).map(Standing::finished).orElse(false);
            return new Poll(finished ? null : releaseId, null);
        }
        return new Poll(null, null);
    }

    private Optional<Candidate> offer(Controller c, Installation i) {
        return releases.plan(c.target()).flatMap(plan -> {
            Channel channel = releases.channelOf(plan, i.channel());
            List<Candidate> offers = releases.offers(plan, channel, bucketKey(i), installations.failedReleases(i),
                    candidate -> true, NEWEST_FIRST);
            return offers.stream().findFirst();
        });
    }

    private boolean stillOffered(Controller c, Installation i, long releaseId) {
        return releases.plan(c.target()).map(plan -> plan.candidates().values().stream().flatMap(List::stream)
                .anyMatch(k -> k.release().id() == releaseId && k.published() && k.release().offeredTo(bucketKey(i))))
                .orElse(false);
    }

    private static String bucketKey(Installation i) {
        return "installation:" + i.key();
    }

    /** An action as the device is given it: the release, its build and the build's SHA-1 (which DDI devices check). */
    public record Deployment(Release release, OtaBuild build, String sha1) {}

    /** The deployment of action {@code actionId}, if it is this controller's; fetching it is the "offered" step. */
    public Deployment deployment(Controller c, long actionId) {
        Poll p = poll(c);
        if (p.deployment() == null || p.deployment() != actionId) {
            throw new DepotException.NotFound("unknown_action", "There is no such action for this controller.");
        }
        Release r = releases.release(c.target(), actionId);
        OtaBuild b = builds.publishedBuild(r.buildId()).orElseThrow(() ->
                new DepotException.NotFound("unknown_action", "There is no such action for this controller."));
        if (installations.standing(c.installation(), actionId).isEmpty()) {
            installations.report(c.installation(), new Installations.NewReport(actionId, ReportStep.OFFERED, null, null, null,
                    "ddi:offered"));
        }
        return new Deployment(r, b, sha1(b));
    }

    /** The action a cancel is for, if it is this controller's. */
    public long cancel(Controller c, long actionId) {
        Poll p = poll(c);
        if (p.cancel() == null || p.cancel() != actionId) {
            throw new DepotException.NotFound("unknown_action", "There is no such action for this controller.");
        }
        return actionId;
    }

    /** A device's feedback on an action, as DDI states it. */
    public record Feedback(String execution, String finished, Integer count, Integer of, List<String> details) {}

    private static final Set<String> EXECUTIONS = Set.of("closed", "proceeding", "canceled", "scheduled", "rejected", "resumed",
            "downloaded", "download");

    /**
     * Records feedback: {@code download} is downloading, {@code downloaded} downloaded,
     * {@code proceeding} installing (with its progress), {@code closed} installed or failed as
     * {@code finished} says, {@code canceled} and {@code rejected} a cancelled install; the
     * details are the message.
     */
    public void feedback(Controller c, long actionId, Feedback f) {
        if (f.execution() == null || !EXECUTIONS.contains(f.execution())) {
            throw new DepotException.Invalid("invalid_feedback", "status.execution must be one of " + EXECUTIONS + ".");
        }
        Release r = releases.release(c.target(), actionId);
        String message = f.details() == null ? "" : String.join("\n", f.details());
        if (message.length() > 2000) {
            message = message.substring(0, 2000);
        }
        Integer progress = f.count() != null && f.of() != null && f.of() > 0
                ? Math.max(0, Math.min(100, (int) (100L * f.count() / f.of()))) : null;
        ReportStep step;
        FailureReason reason = null;
        switch (f.execution()) {
            case "download" -> step = ReportStep.DOWNLOADING;
            case "downloaded" -> step = ReportStep.DOWNLOADED;
            case "proceeding" -> step = ReportStep.INSTALLING;
            case "scheduled", "resumed" -> step = ReportStep.OFFERED;
            case "closed" -> {
                if ("failure".equals(f.finished())) {
                    step = ReportStep.FAILED;
                    reason = FailureReason.INSTALL_FAILED;
                } else if ("success".equals(f.finished())) {
                    step = ReportStep.INSTALLED;
                } else {
                    return; // closed without a result says nothing of the install
                }
            }
            default -> {
                if (!stillOffered(c, c.installation(), r.id())) {
                    installations.acknowledgeCancel(c.installation(), r.id());
                    return;
                }
                step = ReportStep.FAILED;
                reason = FailureReason.CANCELLED;
            }
        }
        installations.report(c.installation(), new Installations.NewReport(r.id(), step, progress, reason, message, null));
    }

    /** The device acknowledged a cancel action. */
    public void cancelFeedback(Controller c, long actionId) {
        releases.release(c.target(), actionId);
        installations.acknowledgeCancel(c.installation(), actionId);
    }

    /** A build this controller may download: one of its device's published builds, by id (and file name, when given). */
    public OtaBuild artifact(Controller c, long buildId, String fileName) {
        return builds.publishedBuild(buildId)
                .filter(b -> b.deviceCodename().equals(c.device().codename()) && (fileName == null || b.fileName().equals(fileName)))
                .orElseThrow(() -> new DepotException.NotFound("unknown_artifact", "There is no such artifact."));
    }

    /** Records the attributes a controller sends (configData), as JSON. */
    public void configData(Controller c, String attributesJson) {
        installations.setAttributes(c.installation(), attributesJson);
    }

    /** The build's SHA-1; computed once from the stored bytes for a build uploaded before SHA-1s were kept. */
    public String sha1(OtaBuild b) {
        Optional<String> known = buildRows.sha1(b.id());
        if (known.isPresent()) {
            return known.get();
        }
        try (InputStream in = blobs.read(new BlobKey(b.sha256()), 0, b.size())) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha1.update(buf, 0, n);
            }
            String hex = HexFormat.of().formatHex(sha1.digest());
            buildRows.setSha1(b.id(), hex);
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
