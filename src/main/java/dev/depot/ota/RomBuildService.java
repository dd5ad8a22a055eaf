package dev.depot.ota;

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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * ROM builds: recording one whose bytes are stored, changing and deleting them (for the device's
 * maintainers), and what phones and the public are given: published builds (enabled, and
 * processed), the update check's list.
 */
public final class RomBuildService {
    public static final String INSPECT_JOB = "inspect-ota";

    private final RomBuildRepository repository;
    private final BuildRepository builds;
    private final DeviceService devices;
    private final BuildNameRules rules;
    private final BlobHolds holds;
    private final JobQueue jobs;
    private final OtaChanges changes;
    private final Clock clock;
    private final int updaterLimit;

    public RomBuildService(RomBuildRepository repository, BuildRepository builds, BlobHolds holds, DeviceService devices,
                           BuildNameRules rules, JobQueue jobs, OtaChanges changes, Clock clock, int updaterLimit) {
        this.repository = repository;
        this.builds = builds;
        this.holds = holds;
        this.devices = devices;
        this.rules = rules;
        this.jobs = jobs;
        this.changes = changes;
        this.clock = clock;
        if (updaterLimit < 1) {
            throw new IllegalArgumentException("updater.max-builds must be at least 1");
        }
        this.updaterLimit = updaterLimit;
    }

    /** Grows with every change this node makes to devices, variants or builds. */
    public long changes() {
        return changes.count();
    }

    /**
     * Records a build whose bytes are stored, with its changelog; the name is checked again, since
     * rules may have changed. With {@code uploadId}, the build of an earlier, interrupted
     * completion of that upload is returned instead of a second one.
     */
    public OtaBuild registerBuild(Principal caller, String fileName, StoredBlob blob, String md5, String sha1, String changelog,
                                  String uploadId) {
        if (uploadId != null) {
            Optional<OtaBuild> earlier = repository.buildOfUpload(uploadId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        BuildName n = rules.check(caller, fileName);
        String text = changelog == null ? "" : LongText.check("A changelog", changelog);
        try {
            long id = builds.insertRomBuild(new BuildRepository.NewRomBuild(fileName, blob.size(), blob.key().sha256(), md5, sha1,
                            n.device().id(), n.variant().id(), n.version(), n.buildDate(), n.x86Type(),
                            RomBuildRepository.toJson(n.extraGroups()), text, caller.userId(), clock.millis(), uploadId),
                    (h, buildId) -> {
                        holds.hold(h, blob.key().sha256(), BuildRepository.blobHolder(buildId));
                        jobs.enqueue(h, INSPECT_JOB, Long.toString(buildId));
                    });
            changes.changed();
            return repository.build(id).orElseThrow();
        } catch (UnableToExecuteStatementException e) {
            if (uploadId != null && repository.buildOfUpload(uploadId).isPresent()) {
                return repository.buildOfUpload(uploadId).get();
            }
            if (repository.buildByFileName(fileName).isPresent()) {
                throw new DepotException.Conflict("duplicate_build", "This build already exists on the server.");
            }
            throw e;
        }
    }

    /** The ROM build an upload became, if it did. */
    public Optional<OtaBuild> buildOfUpload(String uploadId) {
        return repository.buildOfUpload(uploadId);
    }

    /** Stores what inspection read from a build's zip. */
    void recordFacts(long buildId, String factsJson) {
        builds.setFacts(buildId, factsJson);
        changes.changed();
    }

    public Optional<OtaBuild> build(long id) {
        return repository.build(id);
    }

    /** A build the public may see and download (enabled, and processed), else empty. */
    public Optional<OtaBuild> publishedBuild(long id) {
        return repository.publishedBuild(id);
    }

    /** A build by its file name, with or without the {@code .zip} extension. */
    public Optional<OtaBuild> buildByFileName(String name) {
        if (!SafeFileName.isValid(name)) {
            return Optional.empty();
        }
        return repository.buildByFileName(name).or(() -> repository.buildByFileName(name + ".zip"));
    }

    /** A build the public pages show: published, of a visible device. */
    public Optional<OtaBuild> publicBuild(long id) {
        return repository.publishedBuild(id).filter(b -> devices.visibleDevice(b.deviceCodename()).isPresent());
    }

    /** A published build by its file name, with or without the {@code .zip} extension. */
    public Optional<OtaBuild> publishedBuildByFileName(String name) {
        return buildByFileName(name).flatMap(b -> repository.publishedBuild(b.id()));
    }

    public Optional<OtaBuild> buildBySha256(String sha256) {
        return repository.buildBySha256(sha256);
    }

    /**
     * A page of every build of a device, published or not (what its maintainers manage), newest
     * first, after the build {@code before} (null: from the newest).
     */
    public List<OtaBuild> buildsOfDevice(String codename, Long before, int limit) {
        Device d = devices.requireDevice(codename);
        return repository.page(d.id(), null, false, cursor(d, before), limit);
    }

    /**
     * A page of the published builds of a visible device (of one variant, when named), newest
     * first, after the build {@code before}: what the public sees. Empty for a device it does not.
     */
    public List<OtaBuild> publishedBuildsOfDevice(String codename, String variantCodename, Long before, int limit) {
        Optional<Device> d = devices.visibleDevice(codename);
        if (d.isEmpty()) {
            return List.of();
        }
        Long variant = null;
        if (variantCodename != null) {
            Optional<Variant> v = devices.variant(variantCodename);
            if (v.isEmpty()) {
                return List.of();
            }
            variant = v.get().id();
        }
        return repository.page(d.get().id(), variant, true, cursor(d.get(), before), limit);
    }

    /** Every published build of a visible device, newest first (what TUF signs for it); empty for a device the public does not see. */
    public List<OtaBuild> publishedBuildsOfDevice(String codename) {
        return devices.visibleDevice(codename).map(d -> repository.publishedBuildsOfDevice(d.id())).orElse(List.of());
    }

    public OtaBuild setBuildEnabled(Principal caller, long buildId, boolean enabled) {
        OtaBuild b = maintainedBuild(caller, buildId);
        builds.setEnabled(b.id(), enabled);
        changes.changed();
        return repository.build(buildId).orElseThrow();
    }

    /** Sets a build's changelog (shown on its pages); for the device's maintainers and admins. */
    public OtaBuild setBuildChangelog(Principal caller, long buildId, String changelog) {
        OtaBuild b = maintainedBuild(caller, buildId);
        builds.setChangelog(b.id(), LongText.check("A changelog", changelog));
        changes.changed();
        return repository.build(buildId).orElseThrow();
    }

    /**
     * Deletes a build: phones stop being offered it at once, its download counts go with it, and
     * its bytes go too unless something else holds them.
     */
    public OtaBuild deleteBuild(Principal caller, long buildId) {
        OtaBuild b = maintainedBuild(caller, buildId);
        List<String> released = builds.inTransaction(h -> {
            builds.delete(h, b.id());
            return holds.release(h, BuildRepository.blobHolder(b.id()));
        });
        changes.changed();
        holds.sweep(released);
        return b;
    }

    private OtaBuild maintainedBuild(Principal caller, long buildId) {
        OtaBuild b = repository.build(buildId).orElseThrow(() -> new DepotException.NotFound("unknown_build", "Not found."));
        Device d = devices.requireDevice(b.deviceCodename());
        if (!devices.mayUploadFor(caller, d)) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "You are not authorized to modify builds associated with this device!");
        }
        return b;
    }

    /** A page's cursor, checked: it must name a build of the device. */
    private Long cursor(Device device, Long before) {
        if (before != null && repository.build(before).filter(b -> b.deviceCodename().equals(device.codename())).isEmpty()) {
            throw new DepotException.Invalid("invalid_parameters", "'before' names no build of " + device.codename() + ".");
        }
        return before;
    }

    /** The device and variant an update check names, checked as shipper checks them. */
    public record UpdaterRequest(Device device, Variant variant, String x86Type) {}

    /** Checks what an update check names: the device, the variant and (x86 devices only) the x86 type. */
    public UpdaterRequest updaterRequest(String codename, String variantCodename, String x86Type) {
        if (x86Type == null && BuildNameRules.X86_CODENAMES.contains(codename)) {
            throw new DepotException.Invalid("arm_only", "This endpoint is for arm devices only.");
        }
        if (x86Type != null && !BuildNameRules.X86_CODENAMES.contains(codename)) {
            throw new DepotException.Invalid("x86_only", "This endpoint is for x86_64 devices only.");
        }
        Device device = devices.requireDevice(codename);
        if (x86Type != null && !devices.x86Types().contains(x86Type)) {
            throw new DepotException.Invalid("wrong_parameter", "Wrong parameter. Try with the correct parameters.");
        }
        Variant variant = devices.variant(variantCodename).orElseThrow(() ->
                new DepotException.Invalid("wrong_parameter", "Wrong parameter. Try with the correct parameters."));
        return new UpdaterRequest(device, variant, x86Type);
    }

    /** The builds an updater is offered for a device and variant, newest first. */
    public List<OtaBuild> updaterBuilds(String codename, String variantCodename, String x86Type) {
        return updaterBuilds(updaterRequest(codename, variantCodename, x86Type));
    }

    /**
     * The newest published builds of the request's device and variant, newest first, at most
     * {@link #updaterLimit()}: the offer of a device without releases.
     */
    public List<OtaBuild> updaterBuilds(UpdaterRequest request) {
        List<OtaBuild> published = repository.publishedBuilds(request.device().id(), request.variant().id(), request.x86Type(),
                updaterLimit);
        if (published.isEmpty()) {
            throw noBuilds();
        }
        return published;
    }

    /** Most builds one update-check answer lists ({@code updater.max-builds}). */
    public int updaterLimit() {
        return updaterLimit;
    }

    /** The refusal of an update check with nothing to offer. */
    public static DepotException noBuilds() {
        return new DepotException.NotFound("no_builds", "No builds exist for the specified variant yet!");
    }

    /** How many published builds each of these devices has, by codename (devices without any are absent). */
    public Map<String, Integer> publishedBuildCounts(Collection<Device> of) {
        return repository.publishedBuildCounts(of.stream().map(Device::id).toList());
    }

    /** The variants a visible device has published builds of, by codename; empty for a device the public does not see. */
    public List<String> publishedVariantsOf(String codename) {
        return devices.visibleDevice(codename).map(d -> repository.publishedVariantsOf(d.id())).orElse(List.of());
    }

    /** Device codename to the variants with published builds. */
    public Map<String, List<String>> publishedVariantsByDevice() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (var e : repository.publishedVariants()) {
            map.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return map;
    }
}
