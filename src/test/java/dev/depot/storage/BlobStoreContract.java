package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} backend must do. Each backend's test extends this. */
abstract class BlobStoreContract {
    @TempDir
    Path temp;

    abstract BlobStore store() throws IOException;

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static BlobKey keyOf(byte[] b) throws Exception {
        return new BlobKey(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
    }

    @Test
    void writeAddressesBytesByTheirSha256AndReadsThemBack() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(300_000, 1);

        StoredBlob blob = store.write(new ByteArrayInputStream(data));

        assertThat(blob.key()).isEqualTo(keyOf(data));
        assertThat(blob.size()).isEqualTo(data.length);
        assertThat(store.size(blob.key())).contains((long) data.length);
        try (InputStream in = store.read(blob.key(), 0, data.length)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void rangedReadsReturnExactlyTheRange() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(100_000, 2);
        BlobKey key = store.write(new ByteArrayInputStream(data)).key();

        try (InputStream in = store.read(key, 1000, 5000)) {
            byte[] got = in.readAllBytes();
            assertThat(got).hasSize(5000);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 6000));
        }
        assertThatThrownBy(() -> store.read(key, 99_000, 5000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingBlobIsAbsentAndUnreadable() throws Exception {
        BlobStore store = store();
        BlobKey key = keyOf(new byte[] {1});

        assertThat(store.exists(key)).isFalse();
        assertThatThrownBy(() -> store.read(key, 0, 1)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void writingTheSameBytesTwiceStoresThemOnce() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(10_000, 3);

        StoredBlob a = store.write(new ByteArrayInputStream(data));
        StoredBlob b = store.write(new ByteArrayInputStream(data));

        assertThat(a).isEqualTo(b);
        try (InputStream in = store.read(a.key(), 0, data.length)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(50_000, 4);
        InputStream failing = new InputStream() {
            int served;

            @Override
            public int read() throws IOException {
                if (served++ > 20_000) {
                    throw new IOException("client went away");
                }
                return data[served] & 0xff;
            }
        };

        assertThatThrownBy(() -> store.write(failing)).isInstanceOf(IOException.class);

        assertThat(store.exists(keyOf(data))).isFalse();
        assertThat(leftoverFiles()).isEmpty();
    }

    @Test
    void twoWritersOfTheSameBlobAtOnceBothSucceedWithOneIntactCopy() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(2_000_000, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredBlob>> writes = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                writes.add(pool.submit(() -> {
                    go.await();
                    return store.write(new ByteArrayInputStream(data));
                }));
            }
            go.countDown();
            for (Future<StoredBlob> f : writes) {
                assertThat(f.get().key()).isEqualTo(keyOf(data));
            }
        } finally {
            pool.shutdownNow();
        }
        try (InputStream in = store.read(keyOf(data), 0, data.length)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(leftoverFiles()).isEmpty();
    }

    @Test
    void aReaderDuringAWriteSeesNoBlobUntilItIsComplete() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(1_000_000, 6);
        BlobKey key = keyOf(data);
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            int pos;

            @Override
            public int read() {
                if (pos == data.length / 2) {
                    halfway.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return pos < data.length ? data[pos++] & 0xff : -1;
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<StoredBlob> write = pool.submit(() -> store.write(slow));
            halfway.await();

            assertThat(store.exists(key)).isFalse();
            assertThatThrownBy(() -> store.read(key, 0, 1)).isInstanceOf(NoSuchFileException.class);

            release.countDown();
            assertThat(write.get().size()).isEqualTo(data.length);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.size(key)).contains((long) data.length);
    }

    @Test
    void importFileConsumesTheStagedFile() throws Exception {
        BlobStore store = store();
        byte[] data = bytes(70_000, 7);
        Path staged = Files.write(temp.resolve("staged.part"), data);

        StoredBlob blob = store.importFile(staged, keyOf(data));

        assertThat(Files.exists(staged)).isFalse();
        assertThat(blob.size()).isEqualTo(data.length);
        try (InputStream in = store.read(blob.key(), 0, data.length)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void deleteRemovesAndToleratesAbsence() throws Exception {
        BlobStore store = store();
        BlobKey key = store.write(new ByteArrayInputStream(bytes(10, 8))).key();

        store.delete(key);
        store.delete(key);

        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void isWritable() throws Exception {
        store().checkWritable();
    }

    /** Temporary files the backend left behind; backends without local files return none. */
    abstract List<Path> leftoverFiles() throws IOException;
}
