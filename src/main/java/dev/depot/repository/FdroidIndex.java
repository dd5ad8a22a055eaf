package dev.depot.repository;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
     * index-v1, written as it is built (one app at a time, never the whole document as a tree);
     * {@code sigOf} gives a version's F-Droid {@code sig} (null when unknown). With {@code archive},
     * the archive section, where F-Droid keeps the versions it no longer offers: Depot keeps every
     * published version in the repository itself, so no version is archived; the archive's index
     * lists the apps (F-Droid's tools look up each app's icon there, and fdroidserver 2.2 fails on
     * an index without apps) with no versions.
     */
    static byte[] indexV1(Repository repo, List<RepositoryEntry> entries, String address, long timestamp,
                          Function<RepositoryEntry, String> sigOf, boolean archive) throws IOException {
        Map<String, List<RepositoryEntry>> byPackage = byPackage(entries);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + entries.size() * 512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            ObjectNode r = JSON.createObjectNode();
            r.put("timestamp", timestamp);
            r.put("version", 20002);
            if (archive) {
                r.put("name", repo.title() + " Archive");
                r.put("address", archiveAddress(address));
                r.put("description", "Older versions of the apps in " + repo.title()
                        + ": none, every published version stays in the repository.");
            } else {
                r.put("name", repo.title());
                r.put("address", address);
                r.put("description", repo.description().isEmpty() ? repo.title() : repo.description());
            }
            g.writeFieldName("repo");
            g.writeTree(r);
            g.writeObjectFieldStart("requests");
            g.writeArrayFieldStart("install");
            g.writeEndArray();
            g.writeArrayFieldStart("uninstall");
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("apps");
            for (Map.Entry<String, List<RepositoryEntry>> p : byPackage.entrySet()) {
                g.writeTree(v1App(p.getKey(), p.getValue()));
            }
            g.writeEndArray();
            g.writeObjectFieldStart("packages");
            if (!archive) {
                for (Map.Entry<String, List<RepositoryEntry>> p : byPackage.entrySet()) {
                    g.writeFieldName(p.getKey());
                    g.writeTree(v1Versions(p.getValue(), sigOf));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static ObjectNode v1App(String packageName, List<RepositoryEntry> versions) {
        RepositoryEntry newest = versions.getFirst();
        ObjectNode app = JSON.createObjectNode();
        app.put("packageName", packageName);
        app.put("name", newest.label() == null ? packageName : newest.label());
        app.put("suggestedVersionCode", Long.toString(newest.versionCode()));
        app.put("suggestedVersionName", newest.versionName());
        app.put("license", "Unknown");
        app.put("icon", iconName(newest));
        app.put("added", newest.packageFirstPublishedAt());
        app.put("lastUpdated", lastUpdated(versions));
        return app;
    }

    private static ArrayNode v1Versions(List<RepositoryEntry> versions, Function<RepositoryEntry, String> sigOf) {
        ArrayNode out = JSON.createArrayNode();
        for (RepositoryEntry e : versions) {
            ObjectNode v = out.addObject();
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
        return out;
    }

    /** index-v2, written as it is built (one package at a time). */
    static byte[] indexV2(Repository repo, List<RepositoryEntry> entries, String address, long timestamp) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + entries.size() * 640);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("repo");
            g.writeTree(v2Repo(repo, address, timestamp));
            g.writeObjectFieldStart("packages");
            for (Map.Entry<String, List<RepositoryEntry>> p : byPackage(entries).entrySet()) {
                g.writeFieldName(p.getKey());
                g.writeTree(v2Package(p.getKey(), p.getValue()));
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static ObjectNode v2Repo(Repository repo, String address, long timestamp) {
        ObjectNode r = JSON.createObjectNode();
        r.putObject("name").put("en-US", repo.title());
        r.putObject("description").put("en-US", repo.description().isEmpty() ? repo.title() : repo.description());
        r.put("address", address);
        r.put("timestamp", timestamp);
        return r;
    }

    /** One package of index-v2: its metadata and every published version, newest first. */
    static ObjectNode v2Package(String packageName, List<RepositoryEntry> versions) {
        RepositoryEntry newest = versions.getFirst();
        ObjectNode pkg = JSON.createObjectNode();
        ObjectNode meta = pkg.putObject("metadata");
        meta.putObject("name").put("en-US", newest.label() == null ? packageName : newest.label());
        meta.put("added", newest.packageFirstPublishedAt());
        meta.put("lastUpdated", lastUpdated(versions));
        meta.put("license", "Unknown");
        meta.putObject("icon").putObject("en-US").put("name", "/icons/" + iconName(newest));
        ObjectNode vs = pkg.putObject("versions");
        for (RepositoryEntry e : versions) {
            ObjectNode v = vs.putObject(e.sha256());
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
        return pkg;
    }

    /**
     * The JSON Merge Patch from an earlier index-v2 ({@code old}, read as a stream) to the current
     * one, given the packages that changed since it: only those packages of the old index are read
     * into memory, the rest are skipped. Returns the patch and how many packages it carries.
     */
    static Diff diffV2(InputStream old, ObjectNode repo, Set<String> changed, Map<String, List<RepositoryEntry>> byPackage)
            throws IOException {
        JsonNode oldRepo = null;
        Map<String, JsonNode> oldPackages = new TreeMap<>();
        try (JsonParser p = JSON.createParser(old)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("an index-v2 is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("repo")) {
                    oldRepo = p.readValueAsTree();
                } else if (field.equals("packages") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        if (changed.contains(name)) {
                            oldPackages.put(name, p.readValueAsTree());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        ObjectNode patch = JSON.createObjectNode();
        JsonNode repoPatch = oldRepo == null ? repo : JsonMergePatch.diff(oldRepo, repo);
        if (repoPatch.size() > 0) {
            patch.set("repo", repoPatch);
        }
        ObjectNode packages = JSON.createObjectNode();
        for (String name : oldPackages.keySet()) {
            if (!byPackage.containsKey(name)) {
                packages.putNull(name);
            }
        }
        for (String name : new TreeSet<>(changed)) {
            List<RepositoryEntry> versions = byPackage.get(name);
            if (versions == null) {
                continue;
            }
            ObjectNode now = v2Package(name, versions);
            JsonNode before = oldPackages.get(name);
            JsonNode d = before == null ? now : JsonMergePatch.diff(before, now);
            if (d.size() > 0) {
                packages.set(name, d);
            }
        }
        if (packages.size() > 0) {
            patch.set("packages", packages);
        }
        return new Diff(JSON.writeValueAsBytes(patch), packages.size());
    }

    /** A diff's bytes and the number of packages it carries (what fdroidserver counts). */
    record Diff(byte[] bytes, int packages) {}

    /** How many apps the entries are of. */
    static int packages(List<RepositoryEntry> entries) {
        return (int) entries.stream().map(RepositoryEntry::packageName).distinct().count();
    }

    /** When an app last changed: the newest publication among its versions. */
    private static long lastUpdated(List<RepositoryEntry> versions) {
        return versions.stream().mapToLong(RepositoryEntry::publishedAt).max().orElse(0);
    }

    /** The entries by package, in package order, each package's newest version first. */
    static Map<String, List<RepositoryEntry>> byPackage(List<RepositoryEntry> entries) {
        Map<String, List<RepositoryEntry>> out = new LinkedHashMap<>();
        for (RepositoryEntry e : entries) { // ordered by package, then newest version first
            out.computeIfAbsent(e.packageName(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }
}
