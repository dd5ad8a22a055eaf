package dev.depot.ota;

import dev.depot.auth.Principal;
import dev.depot.core.DepotException;
import dev.depot.core.SafeFileName;
import dev.depot.db.ServerSettings;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a ROM build's file name must be: the server's file-name pattern (shipper's, in Python
 * syntax), the device, the uploader's permission, no duplicate, a known variant and x86 type, an
 * accepted version and a real date. Checked before any large transfer and again at completion.
 */
public final class BuildNameRules {
    public static final Set<String> X86_CODENAMES = Set.of("x86", "x86_64");
    private static final DateTimeFormatter BUILD_DATE = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);
    private static final String PATTERN_SETTING = "ota.file_name_pattern";
    private static final String ALLOWED_VERSIONS_SETTING = "ota.allowed_versions";

    private final DeviceService devices;
    private final RomBuildRepository builds;
    private final ServerSettings settings;

    public BuildNameRules(DeviceService devices, RomBuildRepository builds, ServerSettings settings) {
        this.devices = devices;
        this.builds = builds;
        this.settings = settings;
    }

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
                if (FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(version))) {
                    return true;
                }
            } else if (glob.equals(version)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies every rule a new build's file name must pass, in shipper's order: the pattern, the
     * device, the caller's permission, duplicates, the variant, the x86 type, the version.
     */
    public BuildName check(Principal caller, String fileName) {
        if (caller.appId() != null) {
            throw new DepotException.Forbidden("insufficient_permissions",
                    "This token is bound to an app; ROM builds need a maintainer's own token.");
        }
        new SafeFileName(fileName);
        Map<String, String> groups = fileNamePattern().match(fileName).orElseThrow(() ->
                new DepotException.Invalid("invalid_file_name", "The file name does not match the server's build file-name pattern."));
        Device device = devices.device(groups.get("codename")).orElseThrow(() ->
                new DepotException.NotFound("unknown_device", "The specified device does not exist!"));
        if (!devices.mayUploadFor(caller, device)) {
            throw new DepotException.Forbidden("insufficient_permissions", "You are not authorized to upload for this device!");
        }
        if (builds.buildByFileName(fileName).isPresent()) {
            throw new DepotException.Conflict("duplicate_build", "This build already exists on the server.");
        }
        Variant variant = devices.variant(groups.get("variant")).orElseThrow(() ->
                new DepotException.Invalid("unsupported_variant", "The variant '" + groups.get("variant")
                        + "' is not supported by this server; an admin can add it."));
        String x86Type = null;
        if (X86_CODENAMES.contains(device.codename())) {
            x86Type = groups.get("x86_type");
            if (x86Type == null) {
                throw new DepotException.Invalid("missing_x86_type", "Builds for x86 devices need an x86_type in the file name.");
            }
            if (!devices.x86Types().contains(x86Type)) {
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
}
