package dev.depot.ota;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.core.LongText;
import dev.depot.core.SafeFileName;
import dev.depot.db.ServerSettings;
import dev.depot.jobs.JobQueue;
import dev.depot.storage.StoredBlob;
import java.nio.file.FileSystems;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Devices, variants, maintainers, the file-name rules for ROM builds, and what updaters are told. */
public final class OtaService {
    public static final Set<String> X86_CODENAMES = Set.of("x86", "x86_64");
    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern RELEASE_TYPE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final DateTimeFormatter BUILD_DATE =
            DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);
    private static final String PATTERN_SETTING = "ota.file_name_pattern";
    private static final String ALLOWED_VERSIONS_SETTING = "ota.allowed_versions";

    private final OtaRepository repository;
    private final ServerSettings settings;
    private final AuthService auth;
    private final Clock clock;
    /** Counts this node's changes to devices, variants and builds, so cached answers know they are stale. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    public static final String INSPECT_JOB = "inspect-ota";
    private final List<java.util.function.Consumer<String>> deleted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final JobQueue jobs;

    public OtaService(Jdbi jdbi, AuthService auth, JobQueue jobs, Clock clock) {
        this.jobs = jobs;
        this.repository = new OtaRepository(jdbi);
        this.settings = new ServerSettings(jdbi);
        this.auth = auth;
        this.clock = clock;
    }

    /** Grows with every change this node makes to devices, variants or builds. */
    public long changes() { return changes.get(); }

    // ---- devices, variants, maintainers -------------------------------------------------------

    public Device addDevice(String codename, String name, String manufacturer) {
        requireSlug(codename, "codename");
        requireText(name, "name");
        requireText(manufacturer, "manufacturer");
        if (device(codename).isPresent()) {
            throw new DepotException.Conflict("duplicate_device", "A device with codename '" + codename + "' already exists.");
        }
        try {
            repository.insertDevice(codename, name.trim(), manufacturer.trim(), clock.millis());
            changes.incrementAndGet();
        } catch (UnableToExecuteStatementException e) {
            throw new DepotException.Conflict("duplicate_device", "A device with codename '" + codename + "' already exists.");
        }
        return requireDevice(codename);
    }

    /** Changes the fields given (null keeps the current value). */
    public Device updateDevice(String codename, String name, String manufacturer, Boolean maintained, Boolean visible,
                               String note, String releaseType) {
        Device d = requireDevice(codename);
        if (releaseType != null && !releaseType.isEmpty() && !RELEASE_TYPE.matcher(releaseType).matches()) {
            throw new DepotException.Invalid("invalid_parameters", "A release type is 1-32 letters, digits, _ or -.");
        }
        Device updated = new Device(d.id(), d.codename(), name == null ? d.name() : requireText(name, "name"),
                manufacturer == null ? d.manufacturer() : requireText(manufacturer, "manufacturer"),
                maintained == null ? d.maintained() : maintained, visible == null ? d.visible() : visible,
                note == null ? d.note() : note,
                releaseType == null ? d.releaseType() : (releaseType.isEmpty() ? null : releaseType));
        repository.updateDevice(updated);
        changes.incrementAndGet();
        return updated;
    }

    public Optional<Device> device(String codename) {
        // A name that could never have been created is unknown; it never reaches SQL (PostgreSQL
        // rejects NUL in text, for one).
        return codename != null && SLUG.matcher(codename).matches() ? repository.device(codename) : Optional.empty();
    }

    private Optional<Variant> variant(String codename) {
        return codename != null && SLUG.matcher(codename).matches() ? repository.variant(codename) : Optional.empty();
    }

    public Device requireDevice(String codename) {
        return device(codename).orElseThrow(() ->
                new DepotException.NotFound("unknown_device", "The specified device does not exist!"));
    }

    public List<Device> devices() {
        return repository.devices();
    }

    public Variant addVariant(String codename, String description, String releaseType) {
        requireSlug(codename, "codename");
        String rt = releaseType == null || releaseType.isBlank() ? "OFFICIAL" : releaseType.trim();
        if (!RELEASE_TYPE.matcher(rt).matches()) {
            throw new DepotException.Invalid("invalid_parameters", "A release type is 1-32 letters, digits, _ or -.");
        }
        if (variant(codename).isPresent()) {
            throw new DepotException.Conflict("duplicate_variant", "A variant '" + codename + "' already exists.");
        }
        repository.insertVariant(codename, description == null ? "" : description.trim(), rt, clock.millis());
        changes.incrementAndGet();
        return repository.variant(codename).orElseThrow();
    }

    public List<Variant> variants() {
        return repository.variants();
    }

    public void addX86Type(String codename, String description) {
        requireSlug(codename, "codename");
        if (repository.x86Types().contains(codename)) {
            throw new DepotException.Conflict("duplicate_x86_type", "An x86 type '" + codename + "' already exists.");
        }
        repository.insertX86Type(codename, description == null ? "" : description);
        changes.incrementAndGet();
    }

    public List<String> x86Types() {
        return repository.x86Types();
    }

    public void addMaintainer(String codename, String username) {
        Device d = requireDevice(codename);
        User u = auth.requireUser(username);
        repository.addMaintainer(d.id(), u.id());
        changes.incrementAndGet();
    }

    public void removeMaintainer(String codename, String username) {
        Device d = requireDevice(codename);
        User u = auth.requireUser(username);
        repository.removeMaintainer(d.id(), u.id());
        changes.incrementAndGet();
    }

    /** Codenames each user maintains, keyed by user id. */
    public Map<Long, List<String>> maintainedDevicesByUser() {
        Map<Long, List<String>> byUser = new LinkedHashMap<>();
        for (var e : repository.maintainedDevices()) {
            byUser.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return byUser;
    }

    /** How many published builds each device has, by codename (devices without any are absent). */
    public Map<String, Integer> publishedBuildCounts() {
        return repository.publishedBuildCounts();
    }

    /** Device codename to the variants with enabled, processed builds. */
    public Map<String, List<String>> publishedVariantsByDevice() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (var e : repository.publishedVariants()) {
            map.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return map;
    }

    /** The devices the caller may upload for and manage: all for admins, else those they maintain. */
    public List<Device> devicesManagedBy(Principal caller) {
        if (caller.admin()) {
            return devices();
        }
        List<String> mine = maintainedDevicesByUser().getOrDefault(caller.userId(), List.of());
        return devices().stream().filter(d -> mine.contains(d.codename())).toList();
    }

    public boolean mayUploadFor(Principal caller, Device device) {
        return caller.admin() || repository.isMaintainer(device.id(), caller.userId());
    }

    // ---- server-wide rules ---------------------------------------------------------------------

    public FileNamePattern fileNamePattern() {
        return FileNamePattern.of(settings.get(PATTERN_SETTING).orElse(FileNamePattern.DEFAULT));
    }

    public FileNamePattern setFileNamePattern(String python) {
        FileNamePattern p = FileNamePattern.of(python);
        settings.put(PATTERN_SETTING, python);
        return p;
    }

    /** Versions accepted for upload: one glob per line; {@code *} accepts every version. */
    public String allowedVersions() {
        return settings.get(ALLOWED_VERSIONS_SETTING).orElse("*");
    }

    public void setAllowedVersions(String text) {
        settings.put(ALLOWED_VERSIONS_SETTING, text == null ? "" : text.strip());
    }

    boolean isVersionAllowed(String version) {
        String allowed = allowedVersions();
        if (allowed.equals("*")) {
            return true;
        }
        for (String line : allowed.split("\\R")) {
            String glob = line.trim();
            if (glob.isEmpty()) {
                continue;
            }
            if (glob.contains("*") || glob.contains("?") || glob.contains("[")) {
                if (FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(version))) {
                    return true;
                }
            } else if (glob.equals(version)) {
                return true;
            }
        }
        return false;
    }

    // ---- builds --------------------------------------------------------------------------------

    /**
     * Applies every rule a new build's file name must pass, in shipper's order: the pattern, the
     * device, the caller's permission, duplicates, the variant, the x86 type, the version.
     */
    public BuildName checkBuildName(Principal caller, String fileName) {
        if (caller.appId() != null) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "This token is bound to an app; ROM builds need a maintainer's own token.");
        }
        new SafeFileName(fileName);
        Map<String, String> groups = fileNamePattern().match(fileName).orElseThrow(() ->
                new DepotException.Invalid("invalid_file_name", "The file name does not match the server's build file-name pattern."));
        Device device = device(groups.get("codename")).orElseThrow(() ->
                new DepotException.NotFound("unknown_device", "The specified device does not exist!"));
        if (!mayUploadFor(caller, device)) {
            throw new DepotException.Forbidden("insufficient_permissions", "You are not authorized to upload for this device!");
        }
        if (repository.buildByFileName(fileName).isPresent()) {
            throw new DepotException.Conflict("duplicate_build", "This build already exists on the server.");
        }
        Variant variant = variant(groups.get("variant")).orElseThrow(() ->
                new DepotException.Invalid("unsupported_variant", "The variant '" + groups.get("variant")
                        + "' is not supported by this server; an admin can add it."));
        String x86Type = null;
        if (X86_CODENAMES.contains(device.codename())) {
            x86Type = groups.get("x86_type");
            if (x86Type == null) {
                throw new DepotException.Invalid("missing_x86_type", "Builds for x86 devices need an x86_type in the file name.");
            }
            if (!repository.x86Types().contains(x86Type)) {
                throw new DepotException.Invalid("unsupported_x86_type", "The x86 type '" + x86Type + "' is not supported by this server.");
            }
        }
        String version = groups.get("version");
        if (!isVersionAllowed(version)) {
            throw new DepotException.Invalid("version_not_allowed", "The server does not accept version " + version
                    + " right now. Accepted versions: " + allowedVersions().replaceAll("\\R", ", ") + ".");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(groups.get("date"), BUILD_DATE);
        } catch (DateTimeParseException e) {
            throw new DepotException.Invalid("invalid_file_name", "The date in the file name is not a real date (YYYYMMDD).");
        }
        Map<String, String> extra = new LinkedHashMap<>(groups);
        extra.keySet().removeAll(FileNamePattern.REQUIRED_GROUPS);
        extra.remove("x86_type");
        return new BuildName(fileName, device, variant, version, date, x86Type, extra);
    }

    /**
     * Records a build whose bytes are stored, with its changelog; the name is checked again, since
     * rules may have changed. With {@code uploadId}, the build of an earlier, interrupted
     * completion of that upload is returned instead of a second one.
     */
    public OtaBuild registerBuild(Principal caller, String fileName, StoredBlob blob, String md5, String changelog,
                                  String uploadId) {
        if (uploadId != null) {
            Optional<OtaBuild> earlier = repository.buildOfUpload(uploadId);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        BuildName n = checkBuildName(caller, fileName);
        String text = changelog == null ? "" : LongText.check("A changelog", changelog);
        try {
            long id = repository.insertBuild(fileName, blob.size(), blob.key().sha256(), md5, n.device().id(),
                    n.variant().id(), n.version(), n.buildDate(), n.x86Type(), n.extraGroups(), text, caller.userId(),
                    clock.millis(), uploadId, (h, buildId) -> jobs.enqueue(h, INSPECT_JOB, Long.toString(buildId)));
            changes.incrementAndGet();
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
        repository.setFacts(buildId, factsJson);
        changes.incrementAndGet();
    }

    public Optional<OtaBuild> build(long id) {
        return repository.build(id);
    }

    /** A build by its file name, with or without the {@code .zip} extension. */
    public Optional<OtaBuild> buildByFileName(String name) {
        if (!SafeFileName.isValid(name)) {
            return Optional.empty();
        }
        return repository.buildByFileName(name).or(() -> repository.buildByFileName(name + ".zip"));
    }

    public Optional<OtaBuild> buildBySha256(String sha256) {
        return repository.buildBySha256(sha256);
    }

    public List<OtaBuild> buildsOfDevice(String codename) {
        return repository.buildsOfDevice(requireDevice(codename).id());
    }

    public OtaBuild setBuildEnabled(Principal caller, long buildId, boolean enabled) {
        OtaBuild b = maintainedBuild(caller, buildId);
        repository.setEnabled(b.id(), enabled);
        changes.incrementAndGet();
        return repository.build(buildId).orElseThrow();
    }

    /** Sets a build's changelog (shown on its pages); for the device's maintainers and admins. */
    public OtaBuild setBuildChangelog(Principal caller, long buildId, String changelog) {
        OtaBuild b = maintainedBuild(caller, buildId);
        repository.setChangelog(b.id(), LongText.check("A changelog", changelog));
        changes.incrementAndGet();
        return repository.build(buildId).orElseThrow();
    }

    /**
     * Deletes a build: phones stop being offered it at once, its download counts go with it, and
     * its bytes are released to the listeners (which delete them unless something else holds them).
     */
    public OtaBuild deleteBuild(Principal caller, long buildId) {
        OtaBuild b = maintainedBuild(caller, buildId);
        repository.deleteBuild(b.id());
        changes.incrementAndGet();
        deleted.forEach(l -> l.accept(b.sha256()));
        return b;
    }

    /** Called with the SHA-256 of a deleted build's bytes. */
    public void onBuildDeleted(java.util.function.Consumer<String> listener) {
        deleted.add(listener);
    }

    /** Sets a device's note (shown on its page and to updaters that ask); for its maintainers and admins. */
    public Device setDeviceNote(Principal caller, String codename, String note) {
        String text = LongText.check("A note", note);
        return updateDevice(managedDevice(caller, codename).codename(), null, null, null, null, text, null);
    }

    /** A device the caller may manage (upload for, edit); 403 for others. */
    public Device managedDevice(Principal caller, String codename) {
        Device d = requireDevice(codename);
        if (!mayUploadFor(caller, d)) {
            throw new DepotException.Forbidden("insufficient_permissions", "You are not a maintainer of this device.");
        }
        return d;
    }

    private OtaBuild maintainedBuild(Principal caller, long buildId) {
        OtaBuild b = repository.build(buildId).orElseThrow(() ->
                new DepotException.NotFound("unknown_build", "Not found."));
        Device d = requireDevice(b.deviceCodename());
        if (!mayUploadFor(caller, d)) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "You are not authorized to modify builds associated with this device!");
        }
        return b;
    }

    /** The builds an updater is offered for a device and variant, newest first. */
    public List<OtaBuild> updaterBuilds(String codename, String variantCodename, String x86Type) {
        if (x86Type == null && X86_CODENAMES.contains(codename)) {
            throw new DepotException.Invalid("arm_only", "This endpoint is for arm devices only.");
        }
        if (x86Type != null && !X86_CODENAMES.contains(codename)) {
            throw new DepotException.Invalid("x86_only", "This endpoint is for x86_64 devices only.");
        }
        Device device = requireDevice(codename);
        if (x86Type != null && !repository.x86Types().contains(x86Type)) {
            throw new DepotException.Invalid("wrong_parameter", "Wrong parameter. Try with the correct parameters.");
        }
        Variant variant = variant(variantCodename).orElseThrow(() ->
                new DepotException.Invalid("wrong_parameter", "Wrong parameter. Try with the correct parameters."));
        List<OtaBuild> builds = repository.publishedBuilds(device.id(), variant.id(), x86Type);
        if (builds.isEmpty()) {
            throw new DepotException.NotFound("no_builds", "No builds exist for the specified variant yet!");
        }
        return builds;
    }

    private static void requireSlug(String value, String field) {
        if (value == null || !SLUG.matcher(value).matches()) {
            throw new DepotException.Invalid("invalid_parameters",
                    "The " + field + " must be 1-64 letters, digits, _ or -, starting with a letter or digit.");
        }
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new DepotException.Invalid("invalid_parameters", "The " + field + " must be 1-200 characters.");
        }
        return value.trim();
    }
}
