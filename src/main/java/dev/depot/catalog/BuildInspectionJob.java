package dev.depot.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.core.Sha256;
import dev.depot.db.ServerSettings;
import dev.depot.inspect.AabFacts;
import dev.depot.inspect.AabInspector;
import dev.depot.inspect.ApkFacts;
import dev.depot.inspect.ApkInspector;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.IpaFacts;
import dev.depot.inspect.IpaInspector;
import dev.depot.inspect.TimeLimit;
import dev.depot.inspect.UniversalApkBuilder;
import dev.depot.inspect.ZipArchive;
import dev.depot.jobs.Job;
import dev.depot.jobs.JobHandler;
import dev.depot.jobs.PermanentJobFailure;
import dev.depot.keys.StoredKeyStore;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what is inside an app build and records it: {@code pending} → {@code in_progress} →
 * {@code processed}, or {@code error} with the reason. A damaged or hostile file fails at once;
 * an I/O problem is retried by the job queue. Each inspection gets a time limit.
 */
public final class BuildInspectionJob implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ICON_BYTES = 1 << 20;
    private final AppBuildService builds;
    private final AppService apps;
    private final BlobStore blobs;
    private final TimeLimit timeLimit;
    private final UniversalApkBuilder universalApks;

    public BuildInspectionJob(AppBuildService builds, AppService apps, BlobStore blobs, Duration timeLimit,
                              UniversalApkBuilder universalApks) {
        this.builds = builds;
        this.apps = apps;
        this.blobs = blobs;
        this.timeLimit = new TimeLimit(timeLimit);
        this.universalApks = universalApks;
    }

    /** The builder for universal APKs, with its signing key kept in the database. */
    public static UniversalApkBuilder universalApkBuilder(ServerSettings settings, Path keysDir, Duration timeLimit) {
        StoredKeyStore keys = new StoredKeyStore(settings, "universal-apk", keysDir, "CN=Depot universal APKs");
        return new UniversalApkBuilder(Path.of("/usr/bin/aapt2"), () -> {
            StoredKeyStore.Loaded k = keys.get();
            return new UniversalApkBuilder.SigningKey(k.file(), k.password());
        }, timeLimit);
    }

    @Override
    public void run(Job job) throws Exception {
        long buildId = Long.parseLong(job.payload());
        Optional<AppBuild> claimed = builds.startProcessing(buildId);
        if (claimed.isEmpty()) {
            return; // deleted meanwhile, or already processed by an earlier attempt
        }
        AppBuild build = claimed.get();
        App app = apps.appForProcessing(build.appId()).orElse(null);
        if (app == null) {
            return;
        }
        BlobKey key = new BlobKey(build.sha256());
        Path local = blobs.localFile(key).orElse(null);
        Path temp = null;
        if (local == null) {
            temp = Files.createTempFile("depot-inspect-", ".bin");
            try (InputStream in = blobs.read(key, 0, build.size())) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            local = temp;
        }
        try {
            Path file = local;
            Inspected result;
            try {
                result = timeLimit.run(() -> inspect(build, file));
            } catch (TimeLimit.Exceeded e) {
                throw new PermanentJobFailure("inspection took longer than " + timeLimit.limit().toSeconds() + " s", e);
            } catch (InspectionException ie) {
                throw new PermanentJobFailure(ie.getMessage(), ie);
            }
            if (app.packageName() != null && result.packageName() != null && !app.packageName().equals(result.packageName())) {
                throw new PermanentJobFailure("the build is for " + result.packageName() + ", but the app is "
                        + app.packageName(), null);
            }
            builds.finishProcessing(buildId, JSON.writeValueAsString(result.facts()), result.versionName(),
                    result.versionCode());
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public void onGiveUp(Job job, String error) {
        builds.failProcessing(Long.parseLong(job.payload()), error);
    }

    /** The facts of one file, with the identity fields the catalog uses. */
    private Inspected inspectBundle(long buildId, Path aab) throws InspectionException, IOException {
        AabFacts f = new AabInspector().inspect(aab);
        Map<String, Object> facts = new LinkedHashMap<>(JSON.convertValue(f, new TypeReference<Map<String, Object>>() {}));
        Path work = Files.createTempDirectory("depot-aab-");
        try {
            Optional<Path> apk = universalApks.build(aab, work);
            if (apk.isPresent()) {
                String sha = Sha256.hex(apk.get());
                builds.holdMadeBytes(buildId, sha);
                StoredBlob blob = blobs.importFile(apk.get(), new BlobKey(sha));
                facts.put("universalApkSha256", sha);
                facts.put("universalApkSize", blob.size());
            } else {
                facts.put("universalApk", "not made: aapt2 is not installed on this server");
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return new Inspected(facts, f.packageName(), f.versionName(), f.versionCode());
    }

    /**
     * The launcher icon's bytes when it is a PNG (what F-Droid clients show), read now while the
     * APK is at hand, so that serving a repository never reads the APK again.
     */
    private static Optional<byte[]> launcherIcon(Path apk, String iconPath) throws IOException {
        if (iconPath == null || !iconPath.toLowerCase(Locale.ROOT).endsWith(".png")) {
            return Optional.empty();
        }
        try (ZipArchive zip = ZipArchive.open(apk)) {
            Optional<ZipArchive.Entry> entry = zip.find(iconPath);
            return entry.isPresent() ? Optional.of(zip.read(entry.get(), MAX_ICON_BYTES)) : Optional.empty();
        } catch (InspectionException unreadable) {
            return Optional.empty(); // a damaged or oversized icon: the repository shows a placeholder
        }
    }

    /** Stores bytes made from a build (held by it first); returns their SHA-256. */
    private String storeMade(long buildId, byte[] bytes) throws IOException {
        String sha = Sha256.hex(bytes);
        builds.holdMadeBytes(buildId, sha);
        blobs.write(new ByteArrayInputStream(bytes));
        return sha;
    }



    private static Long numeric(String v) {
        try {
            return v == null ? null : Long.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null; // CFBundleVersion may be dotted (1.2.3)
        }
    }

    record Inspected(Object facts, String packageName, String versionName, Long versionCode) {}

    Inspected inspect(AppBuild build, Path file) throws InspectionException, IOException {
        BuildKind kind = build.kind();
        return switch (kind) {
            case AAB -> inspectBundle(build.id(), file);
            case APK -> {
                ApkFacts f = new ApkInspector().inspect(file);
                Map<String, Object> facts = new LinkedHashMap<>(JSON.convertValue(f, new TypeReference<Map<String, Object>>() {}));
                Optional<byte[]> icon = launcherIcon(file, f.iconPath());
                if (icon.isPresent()) {
                    facts.put("iconSha256", storeMade(build.id(), icon.get()));
                }
                yield new Inspected(facts, f.packageName(), f.versionName(), f.versionCode());
            }
            case IPA -> {
                IpaFacts f = new IpaInspector().inspect(file);
                yield new Inspected(f, f.bundleId(), f.shortVersion(), numeric(f.version()));
            }
            default -> throw new InspectionException("builds of kind " + kind.wireName() + " cannot be inspected yet");
        };
    }
}
