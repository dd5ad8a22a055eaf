package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects in an S3-compatible bucket under {@code <prefix>blobs/ab/cd/<sha256>}. An
 * object appears only when its PUT (or multipart upload) completes, so readers never see part of
 * one; a failed multipart upload is aborted. Bytes whose hash is not yet known are staged in a
 * local temporary file first. Downloads can be redirected to presigned URLs.
 */
public final class S3BlobStore implements BlobStore, ScratchStore {
    static final long PART_SIZE = 64L << 20;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Path tmp;

    /** Where and how to reach the bucket. Empty credentials use the standard AWS chain. */
    public record Config(String endpoint, String region, String bucket, String prefix, boolean pathStyle, String accessKey,
                         String secretKey) {}

    public S3BlobStore(Config c, Path tmp) throws IOException {
        AwsCredentialsProvider credentials = c.accessKey() == null || c.accessKey().isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKey(), c.secretKey()));
        var builder = S3Client.builder().region(Region.of(c.region())).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)))
                .forcePathStyle(c.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presign = S3Presigner.builder().region(Region.of(c.region())).credentialsProvider(credentials)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(c.pathStyle()).build());
        if (c.endpoint() != null && !c.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(c.endpoint()));
            presign.endpointOverride(URI.create(c.endpoint()));
        }
        this.s3 = builder.build();
        this.presigner = presign.build();
        this.bucket = c.bucket();
        String p = c.prefix() == null ? "" : c.prefix();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.tmp = tmp;
        Files.createDirectories(tmp);
    }

    String objectKey(BlobKey key) {
        String h = key.sha256();
        return prefix + "blobs/" + h.substring(0, 2) + "/" + h.substring(2, 4) + "/" + h;
    }

    @Override
    public StoredBlob write(InputStream in) throws IOException {
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            StoredBlob blob = Spool.toFile(in, temp, false);
            upload(temp, blob.key(), blob.size());
            return blob;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public StoredBlob importFile(Path file, BlobKey key) throws IOException {
        long size = Files.size(file);
        try {
            upload(file, key, size);
        } finally {
            Files.deleteIfExists(file);
        }
        return new StoredBlob(key, size);
    }

    private void upload(Path file, BlobKey key, long size) throws IOException {
        if (size(key).isPresent()) {
            return; // the same bytes are stored already
        }
        String object = objectKey(key);
        try {
            if (size <= PART_SIZE) {
                s3.putObject(b -> b.bucket(bucket).key(object).contentLength(size), RequestBody.fromFile(file));
                return;
            }
            String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(object)).uploadId();
            try (var ch = java.nio.channels.FileChannel.open(file)) {
                List<CompletedPart> parts = new ArrayList<>();
                int number = 1;
                for (long offset = 0; offset < size; offset += PART_SIZE, number++) {
                    long length = Math.min(PART_SIZE, size - offset);
                    InputStream part = java.nio.channels.Channels.newInputStream(ch.position(offset));
                    int n = number;
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(object).uploadId(uploadId).partNumber(n)
                            .contentLength(length), RequestBody.fromInputStream(part, length)).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            } catch (IOException | SdkException e) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // the bucket's lifecycle rules clean up what this could not
                }
                throw e;
            }
        } catch (SdkException e) {
            throw new IOException("cannot store blob " + key + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Long> size(BlobKey key) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(objectKey(key))).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("cannot reach bucket " + bucket + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot reach bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream read(BlobKey key, long offset, long length) throws IOException {
        long size = size(key).orElseThrow(() -> new NoSuchFileException(objectKey(key)));
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob of " + size + " bytes");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        try {
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(objectKey(key));
        } catch (SdkException e) {
            throw new IOException("cannot read blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<URI> presignedDownload(BlobKey key, String fileName, Duration ttl) {
        try {
            var request = presigner.presignGetObject(p -> p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket)
                    .key(objectKey(key)).responseContentDisposition("attachment; filename=\"" + fileName.replace("\"", "") + "\"")));
            return Optional.of(request.url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void delete(BlobKey key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (SdkException e) {
            throw new IOException("cannot delete blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkWritable() throws IOException {
        String probe = prefix + "probe/" + UUID.randomUUID();
        try {
            s3.putObject(b -> b.bucket(bucket).key(probe), RequestBody.fromString("ok"));
            s3.deleteObject(b -> b.bucket(bucket).key(probe));
        } catch (SdkException e) {
            throw new IOException("bucket " + bucket + " is not writable: " + e.getMessage(), e);
        }
    }

    private String scratchKey(String name) {
        return prefix + "staging/" + name;
    }

    @Override
    public void put(String name, Path file) throws IOException {
        long size = Files.size(file);
        try {
            s3.putObject(b -> b.bucket(bucket).key(scratchKey(name)).contentLength(size), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("cannot store " + name + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream get(String name) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(scratchKey(name)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(scratchKey(name));
        } catch (SdkException e) {
            throw new IOException("cannot read " + name + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(scratchKey(name)));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + name + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /** Fails with a clear message when the bucket cannot be reached with these credentials. */
    public void verifyAccess() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw new UncheckedIOException(new IOException("cannot use bucket " + bucket + ": " + e.getMessage(), e));
        }
    }
}
