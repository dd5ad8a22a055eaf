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
}
