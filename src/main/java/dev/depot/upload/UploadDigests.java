package dev.depot.upload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256, MD5 and (for an APK) SHA-1 of an upload read back from shared staging at completion.
 * MD5 is the slowest on these CPUs, so for each large buffer the other digests run on virtual
 * threads beside the caller's SHA-256: the set costs about what MD5 alone costs.
 */
final class UploadDigests {
    private static final ExecutorService SIDE = Executors.newVirtualThreadPerTaskExecutor();
    private static final int SPLIT_AT = 256 * 1024;

    private final MessageDigest sha256 = digest("SHA-256");
    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha1;

    UploadDigests(boolean withSha1) {
        this.sha1 = withSha1 ? digest("SHA-1") : null;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void update(byte[] buf, int off, int len) {
        if (len < SPLIT_AT) {
            sha256.update(buf, off, len);
            md5.update(buf, off, len);
            if (sha1 != null) {
                sha1.update(buf, off, len);
            }
            return;
        }
        List<Future<?>> side = new ArrayList<>(2);
        side.add(SIDE.submit(() -> md5.update(buf, off, len)));
        if (sha1 != null) {
            side.add(SIDE.submit(() -> sha1.update(buf, off, len)));
        }
        sha256.update(buf, off, len);
        try {
            for (Future<?> f : side) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Hex digests of everything hashed so far. */
    Staging.Digests digests() {
        HexFormat hex = HexFormat.of();
        return new Staging.Digests(hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()),
                sha1 == null ? null : hex.formatHex(sha1.digest()));
    }
}
