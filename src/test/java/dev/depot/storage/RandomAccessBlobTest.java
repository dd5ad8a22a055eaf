package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.depot.inspect.InspectionException;
import dev.depot.inspect.OtaZipFacts;
import dev.depot.inspect.OtaZipInspector;
import dev.depot.support.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ROM zip's self-description is read from the store by ranges: its end record, its directory
 * and its metadata entries, not the whole archive, on the folder store and on S3.
 */
@ParameterizedClass
@ValueSource(strings = {"folder", "s3"})
class RandomAccessBlobTest {
    static final int PAYLOAD = 24 << 20;

    @Parameter
    String kind;
    BlobStore store;
    AtomicLong fetched = new AtomicLong();

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("depot-ranges");
        store = kind.equals("s3")
                ? new S3BlobStore(S3ProxyServer.shared().bucket(S3ProxyServer.newBucketName("ranges")), dir.resolve("tmp"))
                : new FileSystemBlobStore(dir.resolve("blobs"));
    }

    /** An A/B OTA package: metadata, payload properties, and a large stored payload. */
    static byte[] otaZip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(PAYLOAD + 4096);
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            byte[] payload = new byte[PAYLOAD];
            new Random(3).nextBytes(payload);
            ZipEntry p = new ZipEntry("payload.bin");
            p.setMethod(ZipEntry.STORED);
            p.setSize(payload.length);
            CRC32 crc = new CRC32();
            crc.update(payload);
            p.setCrc(crc.getValue());
            z.putNextEntry(p);
            z.write(payload);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("payload_properties.txt"));
            z.write("FILE_HASH=abc\nFILE_SIZE=25165824\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("META-INF/com/android/metadata"));
            z.write("ota-type=AB\npre-device=sunfish\npost-timestamp=1714521600\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void theMetadataOfARomIsReadWithoutFetchingTheRom() throws Exception {
        byte[] zip = otaZip();
        StoredBlob blob = store.write(new ByteArrayInputStream(zip));
        BlobStore counting = new Counting(store, fetched);

        OtaZipFacts facts = new OtaZipInspector().inspect(counting.openRandomAccess(blob.key(), blob.size()));

        assertThat(facts.metadata()).containsEntry("pre-device", "sunfish").containsEntry("ota-type", "AB");
        assertThat(facts.payloadProperties()).containsEntry("FILE_SIZE", "25165824");
        if (kind.equals("s3")) {
            assertThat(fetched.get()).as("bytes fetched of a %d-byte ROM", zip.length).isLessThan(2L * RangedBlobBytes.BLOCK);
        }
    }

    @Test
    void aTruncatedRomIsUnreadableNotAStoreFailure() throws Exception {
        byte[] zip = otaZip();
        byte[] cut = Arrays.copyOf(zip, zip.length - 40);
        StoredBlob blob = store.write(new ByteArrayInputStream(cut));

        assertThat(catchThrowable(() -> new OtaZipInspector().inspect(store.openRandomAccess(blob.key(), blob.size()))))
                .isInstanceOf(InspectionException.class);
    }

    /** The real store, counting the bytes its reads return. */
    record Counting(BlobStore store, AtomicLong fetched) implements BlobStore {
        @Override
        public StoredBlob write(InputStream in) throws IOException { return store.write(in); }

        @Override
        public StoredBlob importFile(Path file, BlobKey key) throws IOException { return store.importFile(file, key); }

        @Override
        public Optional<Long> size(BlobKey key) throws IOException { return store.size(key); }

        @Override
        public InputStream read(BlobKey key, long offset, long length) throws IOException {
            return new FilterInputStream(store.read(key, offset, length)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    fetched.addAndGet(Math.max(n, 0));
                    return n;
                }
            };
        }

        @Override
        public Optional<Path> localFile(BlobKey key) { return store.localFile(key); }

        @Override
        public void delete(BlobKey key) throws IOException { store.delete(key); }

        @Override
        public void checkWritable() throws IOException { store.checkWritable(); }
    }
}
