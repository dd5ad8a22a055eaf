package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileSystemBlobStoreTest extends BlobStoreContract {
    private FileSystemBlobStore store;

    @Override
    BlobStore store() throws IOException {
        if (store == null) {
            store = new FileSystemBlobStore(temp.resolve("blobs"));
        }
        return store;
    }

    @Override
    List<Path> leftoverFiles() throws IOException {
        try (Stream<Path> s = Files.list(temp.resolve("blobs/.tmp"))) {
            return s.toList();
        }
    }

    @Test
    void blobsLiveInFanOutDirectoriesAndOfferALocalFile() throws Exception {
        byte[] data = bytes(10, 9);
        BlobKey key = store().write(new java.io.ByteArrayInputStream(data)).key();

        Path file = store.localFile(key).orElseThrow();

        assertThat(file).isEqualTo(temp.resolve("blobs").resolve(key.sha256().substring(0, 2))
                .resolve(key.sha256().substring(2, 4)).resolve(key.sha256()).toAbsolutePath());
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void keysMustBeSha256Hex() {
        assertThatThrownBy(() -> new BlobKey("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobKey("ABC")).isInstanceOf(IllegalArgumentException.class);
    }
}
