package dev.depot.support;

import dev.depot.storage.S3BlobStore;
import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A real S3 endpoint in the test JVM: S3Proxy over an in-memory store, on 127.0.0.1 and a free port. */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS = "depot-access";
    public static final String SECRET = "depot-secret-key";
    private static final java.util.concurrent.atomic.AtomicInteger BUCKETS = new java.util.concurrent.atomic.AtomicInteger();
    private static S3ProxyServer shared;
    private final TransientNio2BlobStore store = new TransientNio2BlobStore();
    private S3Proxy proxy;
    private int port;

    /** One endpoint for the whole test JVM, started on first use; tests keep apart by bucket. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = new S3ProxyServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return shared;
    }

    /** A bucket name no other test uses. */
    public static String newBucketName(String prefix) {
        return prefix + "-" + BUCKETS.incrementAndGet();
    }

    public S3ProxyServer() throws Exception {
        start();
    }

    /** Starts serving (again, on the same port and with the same objects after {@link #stop()}). */
    public void start() throws Exception {
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).stopTimeout(0).build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    /** Stops answering, as an unreachable endpoint would; the objects stay for {@link #start()}. */
    public void stop() throws Exception {
        proxy.stop();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Creates a bucket and returns the configuration of a store in it. */
    public S3BlobStore.Config bucket(String name) {
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
            s3.createBucket(b -> b.bucket(name));
        }
        return new S3BlobStore.Config(endpoint(), "us-east-1", name, "depot/", true, ACCESS, SECRET);
    }

    /** Creates a bucket and returns the settings of a Depot that keeps its blobs there. */
    public java.util.Map<dev.depot.config.Setting, String> depotSettings(String bucket, String redirect) {
        S3BlobStore.Config c = bucket(bucket);
        java.util.Map<dev.depot.config.Setting, String> m = new java.util.EnumMap<>(dev.depot.config.Setting.class);
        m.put(dev.depot.config.Setting.STORAGE, "s3");
        m.put(dev.depot.config.Setting.S3_ENDPOINT, c.endpoint());
        m.put(dev.depot.config.Setting.S3_BUCKET, bucket);
        m.put(dev.depot.config.Setting.S3_ACCESS_KEY, ACCESS);
        m.put(dev.depot.config.Setting.S3_SECRET_KEY, SECRET);
        m.put(dev.depot.config.Setting.DOWNLOAD_REDIRECT, redirect);
        return m;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
