package dev.depot.tuf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.catalog.Organization;
import dev.depot.catalog.OrganizationService;
import dev.depot.ota.Device;
import dev.depot.ota.DeviceService;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import dev.depot.release.Candidate;
import dev.depot.release.Channel;
import dev.depot.release.ReleaseService;
import dev.depot.release.ReleaseTarget;
import dev.depot.repository.Repository;
import dev.depot.repository.RepositoryEntry;
import dev.depot.repository.RepositoryService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the TUF repository signs: every published build, as a target of its delegated role. A
 * device's ROM builds (published, of a visible device) are role {@code device-<codename>}, paths
 * {@code roms/<codename>/<file>}; an organization's repository entries are role
 * {@code org-<slug>}, paths {@code apps/<slug>/<repository>/<package>_<versionCode>.apk} (the
 * F-Droid file name). The same services that answer the public decide what is published here.
 */
public final class TufTargets {
    public static final String DEVICE_PREFIX = "device-";
    public static final String ORG_PREFIX = "org-";

    /** One target: its path, length, SHA-256 and custom fields ({@code kind}, {@code version}, {@code channel}, ...). */
    public record Target(String path, long length, String sha256, ObjectNode custom) {}

    /** A delegated role: the path pattern it is trusted for and its targets, by path. */
    public record RoleTargets(String role, String pattern, Map<String, Target> targets) {}

    private final DeviceService devices;
    private final RomBuildService roms;
    private final RepositoryService repositories;
    private final OrganizationService organizations;
    private final ReleaseService releases;

    public TufTargets(DeviceService devices, RomBuildService roms, RepositoryService repositories,
                      OrganizationService organizations, ReleaseService releases) {
        this.devices = devices;
        this.roms = roms;
        this.repositories = repositories;
        this.organizations = organizations;
        this.releases = releases;
    }

    public static String deviceRole(String codename) {
        return DEVICE_PREFIX + codename;
    }

    public static String organizationRole(String slug) {
        return ORG_PREFIX + slug;
    }

    /** The pattern of a delegated role's paths, from its name (fixed depth, as clients match them). */
    static String patternOf(String role) {
        if (role.startsWith(DEVICE_PREFIX)) {
            return "roms/" + role.substring(DEVICE_PREFIX.length()) + "/*";
        }
        if (role.startsWith(ORG_PREFIX)) {
            return "apps/" + role.substring(ORG_PREFIX.length()) + "/*/*";
        }
        throw new IllegalArgumentException("not a delegated role: " + role);
    }

    /** Every role that has something published now, with its targets. */
    public List<RoleTargets> current() {
        List<RoleTargets> out = new ArrayList<>();
        for (Device d : devices.visibleDevices()) {
            Map<String, Target> targets = romTargets(d);
            if (!targets.isEmpty()) {
                String role = deviceRole(d.codename());
                out.add(new RoleTargets(role, patternOf(role), targets));
            }
        }
        Map<Long, Map<String, Target>> byOrg = new TreeMap<>();
        for (Repository repo : repositories.all()) {
            Optional<Organization> org = organizations.organization(repo.organizationId());
            if (org.isEmpty()) {
                continue;
            }
            Map<String, Target> targets = byOrg.computeIfAbsent(repo.organizationId(), id -> new TreeMap<>());
            for (RepositoryEntry e : repositories.entries(repo)) {
                String path = "apps/" + org.get().slug() + "/" + repo.name() + "/" + e.packageName() + "_" + e.versionCode() + ".apk";
                ObjectNode custom = JsonNodeFactory.instance.objectNode();
                custom.put("kind", "apk");
                custom.put("package", CanonicalJson.text(e.packageName()));
                custom.put("version", CanonicalJson.text(e.versionName() == null ? "" : e.versionName()));
                custom.put("version_code", e.versionCode());
                custom.put("repository", repo.name());
                repositories.appOfPackage(repo, e.packageName())
                        .flatMap(app -> channelOf(ReleaseTarget.app(app), e.buildId()))
                        .ifPresent(c -> custom.put("channel", c));
                targets.put(path, new Target(path, e.size(), e.sha256(), custom));
            }
        }
        for (Map.Entry<Long, Map<String, Target>> e : byOrg.entrySet()) {
            if (!e.getValue().isEmpty()) {
                String role = organizationRole(organizations.organization(e.getKey()).orElseThrow().slug());
                out.add(new RoleTargets(role, patternOf(role), e.getValue()));
            }
        }
        out.sort(Comparator.comparing(RoleTargets::role));
        return out;
    }

    private Map<String, Target> romTargets(Device d) {
        Map<String, Target> targets = new TreeMap<>();
        ReleaseTarget releaseTarget = ReleaseTarget.device(d.id());
        for (OtaBuild b : roms.publishedBuildsOfDevice(d.codename())) {
            String path = "roms/" + d.codename() + "/" + b.fileName();
            ObjectNode custom = JsonNodeFactory.instance.objectNode();
            custom.put("kind", "rom");
            custom.put("version", CanonicalJson.text(b.version()));
            custom.put("variant", CanonicalJson.text(b.variantCodename()));
            custom.put("date", b.buildDate() == null ? "" : b.buildDate().toString());
            channelOf(releaseTarget, b.id()).ifPresent(c -> custom.put("channel", c));
            targets.put(path, new Target(path, b.size(), b.sha256(), custom));
        }
        return targets;
    }

    /** A target's bytes as served: the build that holds them. */
    public record Served(long buildId, String sha256, long size, String fileName, String contentType) {}

    /** The published ROM build a device's target path names, if its bytes have that SHA-256. */
    public Optional<Served> rom(String codename, String fileName, String sha256) {
        return devices.visibleDevice(codename)
                .flatMap(d -> roms.publishedBuildByFileName(fileName))
                .filter(b -> codename.equals(b.deviceCodename()) && b.sha256().equals(sha256))
                .map(b -> new Served(b.id(), b.sha256(), b.size(), b.fileName(), "application/zip"));
    }

    /** The repository entry an organization's target path names, if its bytes have that SHA-256. */
    public Optional<Served> app(String orgSlug, String repositoryName, String fileName, String sha256) {
        Repository repo;
        try {
            repo = repositories.require(repositoryName);
        } catch (dev.depot.core.DepotException.NotFound e) {
            return Optional.empty();
        }
        if (organizations.organization(repo.organizationId()).filter(o -> o.slug().equals(orgSlug)).isEmpty()) {
            return Optional.empty();
        }
        return repositories.entries(repo).stream()
                .filter(e -> (e.packageName() + "_" + e.versionCode() + ".apk").equals(fileName) && e.sha256().equals(sha256))
                .findFirst()
                .map(e -> new Served(e.buildId(), e.sha256(), e.size(), fileName, "application/vnd.android.package-archive"));
    }

    /** The most stable channel the build is currently released on, if any. */
    private Optional<String> channelOf(ReleaseTarget target, long buildId) {
        return releases.plan(target).flatMap(plan -> {
            List<Channel> byStability = new ArrayList<>(plan.channels());
            byStability.sort(Comparator.comparingInt(Channel::stability));
            for (Channel c : byStability) {
                for (Candidate candidate : plan.candidates().getOrDefault(c.id(), List.of())) {
                    if (candidate.release().buildId() == buildId) {
                        return Optional.of(c.name());
                    }
                }
            }
            return Optional.empty();
        });
    }
}
