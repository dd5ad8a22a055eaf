package dev.depot.ota;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.core.LongText;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The phones ROM builds are for: devices, the variants and x86 types builds come in, and who
 * maintains which device. What the public sees of them is {@link #visibleDevices()}.
 */
public final class DeviceService {
    static final Pattern SLUG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern RELEASE_TYPE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final DeviceRepository repository;
    private final AuthService auth;
    private final OtaChanges changes;
    private final Clock clock;

    public DeviceService(DeviceRepository repository, AuthService auth, OtaChanges changes, Clock clock) {
        this.repository = repository;
        this.auth = auth;
        this.changes = changes;
        this.clock = clock;
    }

    public Device addDevice(String codename, String name, String manufacturer) {
        requireSlug(codename, "codename");
        requireText(name, "name");
        requireText(manufacturer, "manufacturer");
        if (device(codename).isPresent()) {
            throw new DepotException.Conflict("duplicate_device", "A device with codename '" + codename + "' already exists.");
        }
        try {
            repository.insertDevice(codename, name.trim(), manufacturer.trim(), clock.millis());
            changes.changed();
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
        changes.changed();
        return updated;
    }

    public Optional<Device> device(String codename) {
        // A name that could never have been created is unknown; it never reaches SQL (PostgreSQL
        // rejects NUL in text, for one).
        return codename != null && SLUG.matcher(codename).matches() ? repository.device(codename) : Optional.empty();
    }

    public Device requireDevice(String codename) {
        return device(codename).orElseThrow(() -> new DepotException.NotFound("unknown_device", "The specified device does not exist!"));
    }

    public List<Device> devices() {
        return repository.devices();
    }

    /** The devices the public sees (the visible ones), by codename. */
    public List<Device> visibleDevices() {
        return repository.visibleDevices();
    }

    /** A page of the devices the public sees, as the home page lists them ({@link DeviceRepository#visiblePage}). */
    public List<Device> visiblePage(String query, boolean unmaintained, int offset, int limit) {
        return repository.visiblePage(query, unmaintained, offset, limit);
    }

    /** A device the public sees, by codename. */
    public Optional<Device> visibleDevice(String codename) {
        return codename != null && SLUG.matcher(codename).matches() ? repository.visibleDevice(codename) : Optional.empty();
    }

    Optional<Variant> variant(String codename) {
        return codename != null && SLUG.matcher(codename).matches() ? repository.variant(codename) : Optional.empty();
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
        changes.changed();
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
        changes.changed();
    }

    public List<String> x86Types() {
        return repository.x86Types();
    }

    public void addMaintainer(String codename, String username) {
        Device d = requireDevice(codename);
        User u = auth.requireUser(username);
        repository.addMaintainer(d.id(), u.id());
        changes.changed();
    }

    public void removeMaintainer(String codename, String username) {
        Device d = requireDevice(codename);
        User u = auth.requireUser(username);
        repository.removeMaintainer(d.id(), u.id());
        changes.changed();
    }

    /** Codenames each user maintains, keyed by user id. */
    public Map<Long, List<String>> maintainedDevicesByUser() {
        Map<Long, List<String>> byUser = new LinkedHashMap<>();
        for (var e : repository.maintainedDevices()) {
            byUser.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return byUser;
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

    /** A device the caller may manage (upload for, edit); 403 for others. */
    public Device managedDevice(Principal caller, String codename) {
        Device d = requireDevice(codename);
        if (!mayUploadFor(caller, d)) {
            throw new DepotException.Forbidden("insufficient_permissions", "You are not a maintainer of this device.");
        }
        return d;
    }

    /** Sets a device's note (shown on its page and to updaters that ask); for its maintainers and admins. */
    public Device setDeviceNote(Principal caller, String codename, String note) {
        String text = LongText.check("A note", note);
        return updateDevice(managedDevice(caller, codename).codename(), null, null, null, null, text, null);
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
