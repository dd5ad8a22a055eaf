package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The blob store contract against a real S3 endpoint (S3Proxy), plus what only S3 does. */
class S3BlobStoreTest extends BlobStoreContract {
    static final S3ProxyServer proxy = S3ProxyServer.shared();
    private S3BlobStore store;

    @Override
    BlobStore store() throws IOException {
        if (store == null) {
            store = new S3BlobStore(proxy.bucket(S3ProxyServer.newBucketName("contract")), temp.resolve("s3tmp"));
        }
        return store;
    }

    @Override
    List<Path> leftoverFiles() throws IOException {
        try (Stream<Path> s = Files.list(temp.resolve("s3tmp"))) {
            return s.toList();
        }
    }

    @Test
    void presignedUrlsServeTheBytesWithRanges() throws Exception {
        byte[] data = bytes(200_000, 11);
        BlobKey key = store().write(new ByteArrayInputStream(data)).key();

        URI url = store.presignedDownload(key, "app.apk", Duration.ofMinutes(5)).orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(data);
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(url).header("Range", "bytes=10-19").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 10, 20));
    }

    @Test
    void largeBlobsGoUpInParts() throws Exception {
        byte[] data = bytes((int) S3BlobStore.PART_SIZE + 1_000_000, 12);
        BlobKey key = store().write(new ByteArrayInputStream(data)).key();

        assertThat(store.size(key)).contains((long) data.length);
        try (var in = store.read(key, S3BlobStore.PART_SIZE - 10, 20)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, (int) S3BlobStore.PART_SIZE - 10,
                    (int) S3BlobStore.PART_SIZE + 10));
        }
    }

    @Test
    void aMissingBucketIsAClearError() throws Exception {
        var wrong = new S3BlobStore(new S3BlobStore.Config(proxy.endpoint(), "us-east-1", "no-such-bucket", "", true,
                S3ProxyServer.ACCESS, S3ProxyServer.SECRET), temp.resolve("w"));
        org.assertj.core.api.Assertions.assertThatThrownBy(wrong::checkWritable).isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-bucket");
        var badKeys = new S3BlobStore(new S3BlobStore.Config(proxy.endpoint(), "us-east-1", "contract-x", "", true,
                "nobody", "wrong-secret"), temp.resolve("w2"));
        org.assertj.core.api.Assertions.assertThatThrownBy(badKeys::verifyAccess).hasMessageContaining("cannot use bucket");
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** A store behind a proxy that can misreport what it stored. */
    private static S3BlobStore behind(dev.depot.support.FaultyProxy faulty, String bucket, Path tmp) throws IOException {
        S3BlobStore.Config c = proxy.bucket(bucket);
        return new S3BlobStore(new S3BlobStore.Config(faulty.endpoint(), c.region(), c.bucket(), c.prefix(), true, c.accessKey(),
                c.secretKey(), Duration.ofSeconds(5)), tmp);
    }

    /** Every PUT carries Content-MD5 and x-amz-checksum-sha256, so a store that got other bytes refuses them; no aws-chunked frames. */
    @Test
    void everyPutCarriesItsChecksumsAndNoChunkedFrames() throws Exception {
        try (var faulty = new dev.depot.support.FaultyProxy(port(proxy.endpoint()))) {
            S3BlobStore s = behind(faulty, S3ProxyServer.newBucketName("sums"), temp.resolve("sums"));
            s.write(new ByteArrayInputStream(bytes(300_000, 21)));
            s.write(new ByteArrayInputStream(bytes((int) S3BlobStore.PART_SIZE + 10, 22)));
            List<String> puts = faulty.requests().stream().filter(r -> r.startsWith("PUT ")).toList();
            assertThat(puts).hasSizeGreaterThanOrEqualTo(3); // one object, and two parts of another
            for (String put : puts) {
                String lower = put.toLowerCase();
                if (lower.contains("/probe/")) {
                    continue;
                }
                assertThat(lower).contains("content-md5:", "x-amz-checksum-sha256:").doesNotContain("aws-chunked")
                        .doesNotContain("streaming-");
            }
        }
    }

    /** A store whose answer does not name the bytes sent (another ETag, no checksum) has failed the write. */
    @Test
    void aWriteTheStoreDoesNotConfirmFailsAndLeavesNothing() throws Exception {
        try (var faulty = new dev.depot.support.FaultyProxy(port(proxy.endpoint()))) {
            String bucket = S3ProxyServer.newBucketName("misreport");
            S3BlobStore s = behind(faulty, bucket, temp.resolve("mis"));
            faulty.mode(dev.depot.support.FaultyProxy.Mode.MISREPORT);
            for (byte[] data : List.of(bytes(200_000, 23), bytes((int) S3BlobStore.PART_SIZE + 10, 24))) {
                Path file = Files.write(temp.resolve("f" + data.length), data);
                BlobKey key = new BlobKey(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(data)));
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.importFile(file, key)).isInstanceOf(IOException.class)
                        .hasMessageContaining("did not confirm");
                faulty.mode(dev.depot.support.FaultyProxy.Mode.FORWARD);
                assertThat(s.size(key)).as("nothing of the refused write stays").isEmpty();
                faulty.mode(dev.depot.support.FaultyProxy.Mode.MISREPORT);
            }
        }
    }
}
