package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Writes of local files to a bucket that the bucket must confirm. Every PUT (and every part of a
 * multipart upload) carries its {@code Content-MD5} and {@code x-amz-checksum-sha256}, so a store
 * that receives other bytes refuses them; the answer must then name the same bytes (the SHA-256
 * the store computed, or an ETag that is the MD5), or the write failed and the object is deleted.
 * A store that confirms nothing is a store whose writes cannot be trusted. Bodies are sent with
 * their length, never in {@code aws-chunked} frames (which one store kept inside the object).
 *
 * <p>Every call is bounded in time: {@code timeout} for calls without a body, plus the time the
 * body takes at {@link #FLOOR_BYTES_PER_SECOND}; a slower store is treated as one that stalled.
 */
final class S3Writes {
    static final long FLOOR_BYTES_PER_SECOND = 1L << 20;
    private final S3Client s3;
    private final String bucket;
    private final Duration timeout;

    S3Writes(S3Client s3, String bucket, Duration timeout) {
        this.s3 = s3;
        this.bucket = bucket;
        this.timeout = timeout;
    }

    /** How long a call moving {@code bytes} may take. */
    Duration budget(long bytes) {
        return timeout.plusMillis(bytes * 1000 / FLOOR_BYTES_PER_SECOND);
    }

    /** The digests of one stretch of a file: what the store must confirm. */
    private record Digests(byte[] md5, byte[] sha256) {
        String md5Base64() { return Base64.getEncoder().encodeToString(md5); }

        String sha256Base64() { return Base64.getEncoder().encodeToString(sha256); }

        String md5Hex() { return HexFormat.of().formatHex(md5); }
    }

    /** Stores the whole file as {@code key} in one PUT, confirmed. */
    void put(String key, Path file, long size) throws IOException {
        Digests d = digest(file, 0, size);
        try {
            var r = s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size).contentMD5(d.md5Base64())
                    .checksumSHA256(d.sha256Base64()).overrideConfiguration(o -> o.apiCallTimeout(budget(size))),
                    body(file, 0, size));
            if (!confirmed(d, r.checksumSHA256(), r.eTag())) {
                deleteQuietly(key);
                throw unconfirmed(key, d, r.checksumSHA256(), r.eTag());
            }
        } catch (SdkException e) {
            throw new IOException("bucket " + bucket + " did not take " + key + ": " + e.getMessage(), e);
        }
    }

    /** Stores the file as {@code key} in parts of {@code partSize}, each confirmed, then the whole object checked. */
    void putInParts(String key, Path file, long size, long partSize) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout))).uploadId();
        } catch (SdkException e) {
            throw new IOException("bucket " + bucket + " did not start an upload of " + key + ": " + e.getMessage(), e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            MessageDigest partMd5s = md("MD5");
            MessageDigest partShas = md("SHA-256");
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                Digests d = digest(file, offset, length);
                int n = number;
                var r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n).contentLength(length)
                        .contentMD5(d.md5Base64()).checksumSHA256(d.sha256Base64())
                        .overrideConfiguration(o -> o.apiCallTimeout(budget(length))), body(file, offset, length));
                if (!confirmed(d, r.checksumSHA256(), r.eTag())) {
                    throw unconfirmed(key + " part " + n, d, r.checksumSHA256(), r.eTag());
                }
                parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(d.sha256Base64()).build());
                partMd5s.update(d.md5());
                partShas.update(d.sha256());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
                    .overrideConfiguration(o -> o.apiCallTimeout(budget(size / 64))));
            // the whole object: a checksum of the parts' checksums, or an ETag of their MD5s ("<md5>-<parts>")
            String suffix = "-" + parts.size();
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            String etag = unquote(head.eTag());
            String checksum = head.checksumSHA256();
            boolean sized = head.contentLength() == size;
            boolean sums = checksum != null && checksum.equals(Base64.getEncoder().encodeToString(partShas.digest()) + suffix);
            boolean tagged = etag != null && etag.equals(HexFormat.of().formatHex(partMd5s.digest()) + suffix);
            if (!sized || !(sums || tagged)) {
                deleteQuietly(key);
                throw new IOException("bucket " + bucket + " holds other bytes than were sent for " + key + " (size "
                        + head.contentLength() + " of " + size + ", checksum " + checksum + ", ETag " + etag + ")");
            }
        } catch (IOException | SdkException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .overrideConfiguration(o -> o.apiCallTimeout(timeout)));
            } catch (SdkException ignored) {
                // the bucket's lifecycle rules clean up what this could not
            }
            throw e instanceof IOException io ? io
                    : new IOException("bucket " + bucket + " did not take " + key + ": " + e.getMessage(), e);
        }
    }

    /** Whether the store's answer names the bytes that were sent: its SHA-256 of them, or else an ETag that is their MD5. */
    private static boolean confirmed(Digests d, String checksum, String etag) {
        if (checksum != null) {
            return checksum.equals(d.sha256Base64());
        }
        return etag != null && unquote(etag).equalsIgnoreCase(d.md5Hex());
    }

    private IOException unconfirmed(String what, Digests d, String checksum, String etag) {
        return new IOException("bucket " + bucket + " did not confirm " + what + ": it answered checksum " + checksum
                + ", ETag " + etag + " for bytes of SHA-256 " + d.sha256Base64() + ", MD5 " + d.md5Hex());
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
        } catch (SdkException ignored) {
            // what cannot be deleted now is an object no row names
        }
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    /** A body the SDK can read more than once (to sign it, then to send it): the file's stretch each time. */
    private static RequestBody body(Path file, long offset, long length) {
        ContentStreamProvider provider = () -> {
            try {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ch.position(offset);
                return new BoundedInputStream(Channels.newInputStream(ch), length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
    }

    private static Digests digest(Path file, long offset, long length) throws IOException {
        MessageDigest md5 = md("MD5");
        MessageDigest sha256 = md("SHA-256");
        byte[] buf = new byte[1 << 18];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             InputStream in = new BoundedInputStream(Channels.newInputStream(ch.position(offset)), length)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
                sha256.update(buf, 0, n);
            }
        }
        return new Digests(md5.digest(), sha256.digest());
    }

    private static MessageDigest md(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
