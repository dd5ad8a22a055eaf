package dev.depot.feed;

import dev.depot.core.DepotException;
import dev.depot.inspect.ApkFacts;
import dev.depot.inspect.ApkInspector;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.TimeLimit;
import dev.depot.inspect.ZipArchive;
import dev.depot.storage.BlobStore;
import dev.depot.storage.StoredBlob;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * APKs analysts submit that belong to no app ({@code POST /v1/samples}): streamed to a temporary
 * file while MD5 and SHA-1 are computed, checked to be an APK, stored once, and entered in the
 * feed if they are new. What the APK says about itself is read on the way (bounded).
 */
public final class SampleIntake {
    private final BlobStore blobs;
    private final FeedReceipts feed;
    private final Path staging;
    private final long maxBytes;
    private final TimeLimit timeLimit;

    /** Samples are inspected under {@code timeLimit} on a thread of their own, as builds are. */
    public SampleIntake(BlobStore blobs, FeedReceipts feed, Path staging, long maxBytes, TimeLimit timeLimit) {
        this.blobs = blobs;
        this.feed = feed;
        this.staging = staging;
        this.maxBytes = maxBytes;
        this.timeLimit = timeLimit;
    }

    /** What happened to a submission. */
    public record Result(String sha256, long size, boolean isNew, String packageName) {}

    public Result submit(InputStream body) throws IOException {
        Files.createDirectories(staging);
        Path temp = Files.createTempFile(staging, "sample-", ".apk");
        try {
            MessageDigest md5 = digest("MD5");
            MessageDigest sha1 = digest("SHA-1");
            long size;
            try (InputStream in = new DigestInputStream(new DigestInputStream(limited(body), md5), sha1)) {
                size = Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (size == 0) {
                throw new DepotException.Invalid("empty_sample", "The request body is empty; send the APK's bytes.");
            }
            ApkFacts facts = null;
            try {
                facts = timeLimit.run(() -> {
                    try (ZipArchive zip = ZipArchive.open(temp)) {
                        if (zip.find("AndroidManifest.xml").isEmpty()) {
                            throw new DepotException.Invalid("not_an_apk", "This is not an APK: it has no AndroidManifest.xml.");
                        }
                    } catch (InspectionException e) {
                        throw new DepotException.Invalid("not_an_apk", "This is not an APK: " + e.getMessage());
                    }
                    try {
                        return new ApkInspector().inspect(temp);
                    } catch (InspectionException unreadable) {
                        return null; // still an APK sample worth listing; its manifest just cannot be read
                    }
                });
            } catch (TimeLimit.Exceeded | InspectionException tooSlowOrUnreadable) {
                // a sample made to keep a parser busy is still a sample: listed without what its manifest says
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while inspecting a sample", e);
            }
            String pkg = facts == null ? null : facts.packageName();
            Long versionCode = facts == null ? null : facts.versionCode();
            String versionName = facts == null ? null : facts.versionName();
            StoredBlob blob;
            try (InputStream in = Files.newInputStream(temp)) {
                blob = blobs.write(in);
            }
            boolean isNew = feed.receive(blob.key().sha256(), size, hex(md5), hex(sha1), pkg, versionCode, versionName);
            if (!blobs.exists(blob.key())) { // swept between storing and the receipt's hold: held now, so store again
                try (InputStream in = Files.newInputStream(temp)) {
                    blobs.write(in);
                }
            }
            return new Result(blob.key().sha256(), size, isNew, pkg);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private InputStream limited(InputStream in) {
        return new FilterInputStream(in) {
            long total;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && (total += n) > maxBytes) {
                    throw new DepotException.Invalid("too_large", "The sample is larger than " + maxBytes + " bytes.");
                }
                return n;
            }
        };
    }

    private static MessageDigest digest(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

}
