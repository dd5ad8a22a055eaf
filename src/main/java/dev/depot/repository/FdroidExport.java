package dev.depot.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.DepotException;
import dev.depot.db.ServerSettings;
import dev.depot.inspect.ApkInspector;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.ZipArchive;
import dev.depot.keys.StoredKeyStore;
import dev.depot.storage.BlobHolds;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * Each repository as an F-Droid repository: {@code index-v1.json} and {@code index-v1.jar},
 * {@code entry.json} and {@code entry.jar}, {@code index-v2.json}, and {@code diff/<timestamp>.json}
 * (JSON Merge Patch from the last indexes to the current one). Jars are signed by the JDK's
 * JarSigner with the repository's own RSA key (SHA-256 digests, one signer), the rules F-Droid's
 * client enforces. Documents are built per state hash and cached.
 */
public final class FdroidExport {
    static final int DIFFS = 10;
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private final RepositoryService repositories;
    private final BlobHolds holds;
    private final BlobStore blobs;
    private final Jdbi jdbi;
    private final ServerSettings settings;
    private final Path keysDir;
    private final Map<String, StoredKeyStore> keys = new ConcurrentHashMap<>();
    private final Map<String, Built> cache = new ConcurrentHashMap<>();
    private final Map<String, byte[]> icons = new ConcurrentHashMap<>();
    private final Map<String, String> sigs = new ConcurrentHashMap<>();

    public FdroidExport(RepositoryService repositories, BlobStore blobs, BlobHolds holds, Jdbi jdbi, ServerSettings settings,
                        Path keysDir) {
        this.repositories = repositories;
        this.blobs = blobs;
        this.holds = holds;
        this.jdbi = jdbi;
        this.settings = settings;
        this.keysDir = keysDir;
    }

    /** Every file of one state of a repository. */
    public record Built(String stateHash, long timestamp, byte[] indexV1, byte[] indexV1Jar, byte[] entry, byte[] entryJar,
                        byte[] indexV2, Map<Long, byte[]> diffs, byte[] archiveIndexV1, byte[] archiveIndexV1Jar) {}

    private StoredKeyStore.Loaded key(Repository repo) {
        return keys.computeIfAbsent(repo.name(), n -> new StoredKeyStore(settings, "fdroid-" + n, keysDir,
                "CN=Depot F-Droid repository " + n)).get();
    }

    /** The repository's signing certificate fingerprint as F-Droid shows it: SHA-256 of the DER certificate, hex. */
    public String fingerprint(Repository repo) {
        try {
            return hex(sha256(key(repo).certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Built build(Repository repo, String address) {
        String cacheKey = repo.name() + "|" + repo.stateHash() + "|" + address;
        Built b = cache.get(cacheKey);
        if (b != null) {
            return b;
        }
        b = generate(repo, address);
        if (cache.size() > 64) {
            cache.clear();
        }
        cache.put(cacheKey, b);
        return b;
    }

    private Built generate(Repository repo, String address) {
        List<RepositoryEntry> entries = repositories.entries(repo);
        long timestamp = repo.updatedAt();
        try {
            ObjectNode v1node = indexV1(repo, entries, address, timestamp);
            byte[] v1 = JSON.writeValueAsBytes(v1node);
            ObjectNode v2node = indexV2(repo, entries, address, timestamp);
            byte[] v2 = JSON.writeValueAsBytes(v2node);
            long packages = entries.stream().map(RepositoryEntry::packageName).distinct().count();
            snapshot(repo, timestamp, v2, (int) packages);
            Map<Long, byte[]> diffs = new LinkedHashMap<>();
            ObjectNode entry = JSON.createObjectNode();
            entry.put("timestamp", timestamp);
            entry.put("version", 20002);
            entry.set("index", fileInfo("/index-v2.json", v2, packages));
            ObjectNode diffInfo = entry.putObject("diffs");
            for (Map.Entry<Long, JsonNode> old : previousIndexes(repo).entrySet()) {
                byte[] diff = JSON.writeValueAsBytes(JsonMergePatch.diff(old.getValue(), v2node));
                diffs.put(old.getKey(), diff);
                // fdroidserver counts the packages the diff carries, not those of the old index
                JsonNode changed = JSON.readTree(diff).path("packages");
                diffInfo.set(Long.toString(old.getKey()), fileInfo("/diff/" + old.getKey() + ".json", diff, changed.size()));
            }
            byte[] entryBytes = JSON.writeValueAsBytes(entry);
            StoredKeyStore.Loaded k = key(repo);
            byte[] archive = JSON.writeValueAsBytes(archiveIndexV1(v1node, repo, archiveAddress(address)));
            return new Built(repo.stateHash(), timestamp, v1, signedJar("index-v1.json", v1, k, timestamp), entryBytes,
                    signedJar("entry.json", entryBytes, k, timestamp), v2, diffs, archive,
                    signedJar("index-v1.json", archive, k, timestamp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode fileInfo(String name, byte[] bytes, long numPackages) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("sha256", hex(sha256(bytes)));
        n.put("size", bytes.length);
        n.put("numPackages", numPackages);
        return n;
    }

    static String iconName(RepositoryEntry e) {
        return e.packageName() + "." + e.versionCode() + ".png";
    }

    /** The icon named in the index: the APK's launcher icon when it is a PNG, or a neutral placeholder. */
    public Optional<byte[]> icon(Repository repo, String name) {
        Optional<RepositoryEntry> entry = repositories.entries(repo).stream().filter(e -> iconName(e).equals(name)).findFirst();
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        RepositoryEntry e = entry.get();
        return Optional.of(icons.computeIfAbsent(e.sha256() + "|" + e.iconPath(), k -> readIcon(e)));
    }

    private byte[] readIcon(RepositoryEntry e) {
        if (e.iconPath() == null || !e.iconPath().toLowerCase().endsWith(".png")) {
            return PLACEHOLDER_ICON;
        }
        return withLocalFile(e, path -> {
            try (ZipArchive zip = ZipArchive.open(path)) {
                var entry = zip.find(e.iconPath());
                return entry.isPresent() ? zip.read(entry.get(), 1 << 20) : PLACEHOLDER_ICON;
            } catch (IOException | InspectionException ex) {
                return PLACEHOLDER_ICON;
            }
        }, PLACEHOLDER_ICON);
    }

    /**
     * F-Droid's {@code sig} of a version: recorded at inspection, or, for builds inspected before
     * Depot recorded it, read from the APK's signature once.
     */
    private String sig(RepositoryEntry e) {
        if (e.signerSig() != null) {
            return e.signerSig();
        }
        return sigs.computeIfAbsent(e.sha256(), k -> withLocalFile(e, path -> {
            var signing = ApkInspector.verifySignatures(path);
            return signing.signerSig().isEmpty() ? "" : signing.signerSig().getFirst();
        }, "")).transform(s -> s.isEmpty() ? null : s);
    }

    /** Runs {@code work} on a local file holding the entry's APK (a temporary copy when the store has none). */
    private <T> T withLocalFile(RepositoryEntry e, Function<Path, T> work, T otherwise) {
        BlobKey key = new BlobKey(e.sha256());
        Path temp = null;
        try {
            Path local = blobs.localFile(key).orElse(null);
            if (local == null) {
                temp = Files.createTempFile("depot-fdroid-", ".apk");
                try (InputStream in = blobs.read(key, 0, e.size())) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                local = temp;
            }
            return work.apply(local);
        } catch (IOException | RuntimeException ex) {
            return otherwise;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a temporary file in the temp directory
                }
            }
        }
    }

    /** A 1×1 transparent PNG. */
    private static final byte[] PLACEHOLDER_ICON = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    static String apkName(RepositoryEntry e) {
        return e.packageName() + "_" + e.versionCode() + ".apk";
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
    private static ObjectNode archiveIndexV1(ObjectNode repoIndex, Repository repo, String address) {
        ObjectNode root = repoIndex.deepCopy();
        ObjectNode r = (ObjectNode) root.get("repo");
        r.put("name", repo.title() + " Archive");
        r.put("address", address);
        r.put("description", "Older versions of the apps in " + repo.title() + ": none, every published version stays in the repository.");
        root.putObject("packages");
        return root;
    }

    private ObjectNode indexV1(Repository repo, List<RepositoryEntry> entries, String address, long timestamp) {
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
        Map<String, List<RepositoryEntry>> byPackage = byPackage(entries);
        for (Map.Entry<String, List<RepositoryEntry>> p : byPackage.entrySet()) {
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
                String sig = sig(e);
                if (sig != null) {
                    v.put("sig", sig);
                }
                v.put("added", e.publishedAt());
            }
        }
        return root;
    }

    private ObjectNode indexV2(Repository repo, List<RepositoryEntry> entries, String address, long timestamp) {
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

    private void snapshot(Repository repo, long timestamp, byte[] v2, int packages) throws IOException {
        boolean exists = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM fdroid_snapshots WHERE repository_id = :r "
                + "AND revision = :rev").bind("r", repo.id()).bind("rev", repo.revision()).mapTo(Integer.class).one()) > 0;
        if (exists) {
            return;
        }
        var stored = blobs.write(new ByteArrayInputStream(v2));
        jdbi.useTransaction(h -> {
            holds.hold(h, stored.key().sha256(), "fdroid-snapshot:" + repo.id() + ":" + repo.revision());
            h.createUpdate("INSERT INTO fdroid_snapshots (repository_id, revision, timestamp_ms, index_sha256, "
                            + "index_size, num_packages) VALUES (:r, :rev, :t, :s, :n, :p) ON CONFLICT DO NOTHING")
                    .bind("r", repo.id()).bind("rev", repo.revision()).bind("t", timestamp).bind("s", stored.key().sha256())
                    .bind("n", stored.size()).bind("p", packages).execute();
        });
    }

    /** The last {@link #DIFFS} published index-v2 documents before the current one, by timestamp. */
    private Map<Long, JsonNode> previousIndexes(Repository repo) throws IOException {
        List<Map.Entry<Long, String>> rows = jdbi.withHandle(h -> h.createQuery("SELECT timestamp_ms, index_sha256 FROM "
                        + "fdroid_snapshots WHERE repository_id = :r AND revision < :rev ORDER BY revision DESC LIMIT :n")
                .bind("r", repo.id()).bind("rev", repo.revision()).bind("n", DIFFS)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list());
        Map<Long, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<Long, String> row : rows) {
            BlobKey key = new BlobKey(row.getValue());
            Optional<Long> size = blobs.size(key);
            if (size.isEmpty()) {
                continue;
            }
            try (InputStream in = blobs.read(key, 0, size.get())) {
                out.put(row.getKey(), JSON.readTree(in));
            }
        }
        return out;
    }

    /** A jar holding one file, signed with SHA-256 digests by one RSA signer, the same bytes on every node. */
    static byte[] signedJar(String name, byte[] content, StoredKeyStore.Loaded key, long timestamp) {
        return SignedJar.of(name, content, key.key(), key.certificate(), timestamp);
    }

    public Optional<RepositoryEntry> apk(Repository repo, String apkName) {
        return repositories.entries(repo).stream().filter(e -> apkName(e).equals(apkName)).findFirst();
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static DepotException.NotFound notFound() {
        return new DepotException.NotFound("entity_not_found", "Entity not found");
    }
}
