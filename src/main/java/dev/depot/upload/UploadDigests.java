package dev.depot.upload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 and MD5 of an upload read back from shared staging at completion. MD5 is the slower of
 * the two on these CPUs, so each buffer's MD5 runs on a second (virtual) thread while SHA-256 runs
 * on the caller's: the pair costs about what MD5 alone costs.
 */
final class UploadDigests {
    private static final ExecutorService SIDE = Executors.newVirtualThreadPerTaskExecutor();

    private MessageDigest sha256;
    private MessageDigest md5;

    UploadDigests() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private UploadDigests(MessageDigest sha256, MessageDigest md5) {
        this.sha256 = sha256;
        this.md5 = md5;
    }

    void update(byte[] buf, int off, int len) {
        if (len < 256 * 1024) {
            sha256.update(buf, off, len);
            md5.update(buf, off, len);
        } else {
            Future<?> side = SIDE.submit(() -> md5.update(buf, off, len));
            sha256.update(buf, off, len);
            try {
                side.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hashing", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private UploadDigests copy() {
        try {
            return new UploadDigests((MessageDigest) sha256.clone(), (MessageDigest) md5.clone());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex digests of everything hashed so far; the state is left untouched. */
    String sha256Hex() {
        return HexFormat.of().formatHex(copy().sha256.digest());
    }

    String md5Hex() {
        return HexFormat.of().formatHex(copy().md5.digest());
    }
}
