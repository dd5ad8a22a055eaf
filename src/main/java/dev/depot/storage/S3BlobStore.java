package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
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
    private final Duration timeout;
    private final S3Writes writes;

    /**
     * Where and how to reach the bucket. Empty credentials use the standard AWS chain. {@code timeout}
     * bounds every call: how long one without a body may take, and how long a transfer may wait for
     * its next bytes.
     */
    public record Config(String endpoint, String region, String bucket, String prefix, boolean pathStyle, String accessKey,
                         String secretKey, Duration timeout) {
        public Config(String endpoint, String region, String bucket, String prefix, boolean pathStyle, String accessKey,
                      String secretKey) {
            this(endpoint, region, bucket, prefix, pathStyle, accessKey, secretKey, Duration.ofSeconds(5));
        }
    }

    public S3BlobStore(Config c, Path tmp) throws IOException {
        AwsCredentialsProvider credentials = c.accessKey() == null || c.accessKey().isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKey(), c.secretKey()));
        this.timeout = c.timeout();
        var builder = S3Client.builder().region(Region.of(c.region())).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                // a body goes with its length, never in aws-chunked frames (one store kept those inside the object)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false).pathStyleAccessEnabled(c.pathStyle()).build())
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
        this.writes = new S3Writes(s3, c.bucket(), timeout);
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
        if (size <= PART_SIZE) {
            writes.put(objectKey(key), file, size);
        } else {
            writes.putInParts(objectKey(key), file, size, PART_SIZE);
        }
    }

    @Override
    public Optional<Long> size(BlobKey key) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(objectKey(key)).overrideConfiguration(this::bounded))
                    .contentLength());
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
            // bounded until the answer starts; then each read waits at most the socket timeout
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)).range("bytes=" + offset + "-" + (offset + length - 1))
                    .overrideConfiguration(this::bounded));
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
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void delete(BlobKey key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)).overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            throw new IOException("cannot delete blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkWritable() throws IOException {
        String probe = prefix + "probe/" + UUID.randomUUID();
        try {
            s3.putObject(b -> b.bucket(bucket).key(probe).overrideConfiguration(this::bounded), RequestBody.fromString("ok"));
            s3.deleteObject(b -> b.bucket(bucket).key(probe).overrideConfiguration(this::bounded));
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
        if (size <= PART_SIZE) {
            writes.put(scratchKey(name), file, size);
        } else {
            writes.putInParts(scratchKey(name), file, size, PART_SIZE);
        }
    }

    @Override
    public InputStream get(String name) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(scratchKey(name)).overrideConfiguration(this::bounded));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(scratchKey(name));
        } catch (SdkException e) {
            throw new IOException("cannot read " + name + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(scratchKey(name)).overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + name + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /** A call without a body: answered within the timeout, retries included, or failed. */
    private void bounded(software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.Builder o) {
        o.apiCallTimeout(timeout);
    }

    /** Fails with a clear message when the bucket cannot be reached with these credentials. */
    public void verifyAccess() {
        try {
            s3.headBucket(b -> b.bucket(bucket).overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            throw new UncheckedIOException(new IOException("cannot use bucket " + bucket + ": " + e.getMessage(), e));
        }
    }
}
