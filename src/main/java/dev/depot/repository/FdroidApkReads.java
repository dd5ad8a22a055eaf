package dev.depot.repository;

import dev.depot.inspect.ApkInspector;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.ZipArchive;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What F-Droid needs of a version beyond its entry: its launcher icon and its {@code sig}. Both are
 * read at inspection and kept with the build; a build inspected before Depot kept them is read
 * once here, from its APK, and remembered.
 */
final class FdroidApkReads {
    /** A 1×1 transparent PNG, for apps whose icon is not a PNG. */
    static final byte[] PLACEHOLDER_ICON = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
    private static final int MAX_ICON_BYTES = 1 << 20;

    private final BlobStore blobs;
    private final Map<String, byte[]> icons = new ConcurrentHashMap<>();
    private final Map<String, String> sigs = new ConcurrentHashMap<>();

    FdroidApkReads(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** The version's launcher icon when it is a PNG, or a neutral placeholder. */
    byte[] icon(RepositoryEntry e) {
        if (e.iconSha256() != null) {
            return icons.computeIfAbsent(e.iconSha256(), k -> readBlob(new BlobKey(k)).orElse(PLACEHOLDER_ICON));
        }
        if (e.iconPath() == null || !e.iconPath().toLowerCase().endsWith(".png")) {
            return PLACEHOLDER_ICON;
        }
        return icons.computeIfAbsent(e.sha256() + "|" + e.iconPath(), k -> withLocalFile(e, path -> {
            try (ZipArchive zip = ZipArchive.open(path)) {
                var entry = zip.find(e.iconPath());
                return entry.isPresent() ? zip.read(entry.get(), MAX_ICON_BYTES) : PLACEHOLDER_ICON;
            } catch (IOException | InspectionException ex) {
                return PLACEHOLDER_ICON;
            }
        }, PLACEHOLDER_ICON));
    }

    /** F-Droid's {@code sig} of a version, or null when its signature gives none. */
    String sig(RepositoryEntry e) {
        if (e.signerSig() != null) {
            return e.signerSig();
        }
        return sigs.computeIfAbsent(e.sha256(), k -> withLocalFile(e, path -> {
            var signing = ApkInspector.verifySignatures(path);
            return signing.signerSig().isEmpty() ? "" : signing.signerSig().getFirst();
        }, "")).transform(s -> s.isEmpty() ? null : s);
    }

    private Optional<byte[]> readBlob(BlobKey key) {
        try {
            Optional<Long> size = blobs.size(key);
            if (size.isEmpty() || size.get() > MAX_ICON_BYTES) {
                return Optional.empty();
            }
            try (InputStream in = blobs.read(key, 0, size.get())) {
                return Optional.of(in.readAllBytes());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
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
}
