package dev.depot.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The documents of an F-Droid repository as fdroidserver writes them: {@code index-v1.json}, its
 * archive section's, and {@code index-v2.json}, built from a repository's entries alone (no I/O),
 * with keys in a fixed order so every node writes the same bytes.
 */
final class FdroidIndex {
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private FdroidIndex() {}

    /** Where F-Droid's tools find a repository: {@code fdroid mirror} takes this, and adds the section. */
    static String base(String publicBase, String repo) {
        return publicBase + "/repositories/" + repo + "/fdroid";
    }

    /** The address F-Droid clients add for a repository: its {@code repo} section. */
    static String address(String publicBase, String repo) {
        return base(publicBase, repo) + "/repo";
    }

    static String apkName(RepositoryEntry e) {
        return e.packageName() + "_" + e.versionCode() + ".apk";
    }

    static String iconName(RepositoryEntry e) {
        return e.packageName() + "." + e.versionCode() + ".png";
    }

    /** The archive section's address beside the repository's ({@code .../fdroid/repo} → {@code .../fdroid/archive}). */
    static String archiveAddress(String address) {
        return address.endsWith("/repo") ? address.substring(0, address.length() - 4) + "archive" : address + "/archive";
    }

    /**
     * The archive section, where F-Droid keeps the versions it no longer offers. Depot keeps every
     * published version in the repository itself, so no version is archived; the archive's index
     * lists the apps (F-Droid's tools look up each app's icon there, and fdroidserver 2.2 fails on an
     * index without apps) with no versions.
     */
    static ObjectNode archiveIndexV1(ObjectNode repoIndex, Repository repo, String address) {
        ObjectNode root = repoIndex.deepCopy();
        ObjectNode r = (ObjectNode) root.get("repo");
        r.put("name", repo.title() + " Archive");
        r.put("address", address);
        r.put("description", "Older versions of the apps in " + repo.title() + ": none, every published version stays in the repository.");
        root.putObject("packages");
        return root;
    }

    /** index-v1; {@code sigOf} gives a version's F-Droid {@code sig} (null when unknown). */
    static ObjectNode indexV1(Repository repo, List<RepositoryEntry> entries, String address, long timestamp,
                              Function<RepositoryEntry, String> sigOf) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putObject("repo");
        r.put("timestamp", timestamp);
        r.put("version", 20002);
        r.put("name", repo.title());
        r.put("address", address);
        r.put("description", repo.description().isEmpty() ? repo.title() : repo.description());
        ObjectNode requests = root.putObject("requests");
        requests.putArray("install");
        requests.putArray("uninstall");
        ArrayNode apps = root.putArray("apps");
        ObjectNode packages = root.putObject("packages");
        for (Map.Entry<String, List<RepositoryEntry>> p : byPackage(entries).entrySet()) {
            RepositoryEntry newest = p.getValue().getFirst();
            ObjectNode app = apps.addObject();
            app.put("packageName", p.getKey());
            app.put("name", newest.label() == null ? p.getKey() : newest.label());
            app.put("suggestedVersionCode", Long.toString(newest.versionCode()));
            app.put("suggestedVersionName", newest.versionName());
            app.put("license", "Unknown");
            app.put("icon", iconName(newest));
            app.put("added", newest.packageFirstPublishedAt());
            app.put("lastUpdated", lastUpdated(p.getValue()));
            ArrayNode versions = packages.putArray(p.getKey());
            for (RepositoryEntry e : p.getValue()) {
                ObjectNode v = versions.addObject();
                v.put("apkName", apkName(e));
                v.put("hash", e.sha256());
                v.put("hashType", "sha256");
                v.put("packageName", e.packageName());
                v.put("versionCode", e.versionCode());
                v.put("versionName", e.versionName());
                v.put("size", e.size());
                if (e.minSdk() != null) {
                    v.put("minSdkVersion", e.minSdk());
                }
                if (e.targetSdk() != null) {
                    v.put("targetSdkVersion", e.targetSdk());
                }
                v.put("signer", e.signer());
                String sig = sigOf.apply(e);
                if (sig != null) {
                    v.put("sig", sig);
                }
                v.put("added", e.publishedAt());
            }
        }
        return root;
    }

    static ObjectNode indexV2(Repository repo, List<RepositoryEntry> entries, String address, long timestamp) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putObject("repo");
        r.putObject("name").put("en-US", repo.title());
        r.putObject("description").put("en-US", repo.description().isEmpty() ? repo.title() : repo.description());
        r.put("address", address);
        r.put("timestamp", timestamp);
        ObjectNode packages = root.putObject("packages");
        for (Map.Entry<String, List<RepositoryEntry>> p : byPackage(entries).entrySet()) {
            RepositoryEntry newest = p.getValue().getFirst();
            ObjectNode pkg = packages.putObject(p.getKey());
            ObjectNode meta = pkg.putObject("metadata");
            meta.putObject("name").put("en-US", newest.label() == null ? p.getKey() : newest.label());
            meta.put("added", newest.packageFirstPublishedAt());
            meta.put("lastUpdated", lastUpdated(p.getValue()));
            meta.put("license", "Unknown");
            meta.putObject("icon").putObject("en-US").put("name", "/icons/" + iconName(newest));
            ObjectNode versions = pkg.putObject("versions");
            for (RepositoryEntry e : p.getValue()) {
                ObjectNode v = versions.putObject(e.sha256());
                v.put("added", e.publishedAt());
                ObjectNode file = v.putObject("file");
                file.put("name", "/" + apkName(e));
                file.put("sha256", e.sha256());
                file.put("size", e.size());
                ObjectNode manifest = v.putObject("manifest");
                manifest.put("versionName", e.versionName());
                manifest.put("versionCode", e.versionCode());
                ObjectNode sdk = manifest.putObject("usesSdk");
                sdk.put("minSdkVersion", e.minSdk() == null ? 1 : e.minSdk());
                sdk.put("targetSdkVersion", e.targetSdk() == null ? (e.minSdk() == null ? 1 : e.minSdk()) : e.targetSdk());
                manifest.putObject("signer").putArray("sha256").add(e.signer());
            }
        }
        return root;
    }

    /** How many apps the entries are of. */
    static int packages(List<RepositoryEntry> entries) {
        return (int) entries.stream().map(RepositoryEntry::packageName).distinct().count();
    }

    /** When an app last changed: the newest publication among its versions. */
    private static long lastUpdated(List<RepositoryEntry> versions) {
        return versions.stream().mapToLong(RepositoryEntry::publishedAt).max().orElse(0);
    }

    private static Map<String, List<RepositoryEntry>> byPackage(List<RepositoryEntry> entries) {
        Map<String, List<RepositoryEntry>> out = new LinkedHashMap<>();
        for (RepositoryEntry e : entries) { // ordered by package, then newest version first
            out.computeIfAbsent(e.packageName(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }
}
