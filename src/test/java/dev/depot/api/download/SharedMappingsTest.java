package dev.depot.api.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedMappingsTest {
    @TempDir
    Path dir;

    @Test
    void concurrentDownloadsShareOneMapAcrossRegionsAndItOutlivesTheLastOne() throws IOException {
        long gib = 1L << 30;
        Path file = dir.resolve("blob");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(gib + 4096); // sparse: costs no disk
            f.seek(gib - 2);
            f.write(new byte[] {1, 2, 3, 4});
        }
        SharedMappings mappings = new SharedMappings();
        try (SharedMappings.Mapping a = mappings.acquire(file); SharedMappings.Mapping b = mappings.acquire(file)) {
            assertThat(a).isSameAs(b);
            assertThat(mappings.mapped()).isEqualTo(1);
            ByteBuffer before = a.slice(gib - 2, 8);
            assertThat(before.remaining()).as("a slice stops at the region's end").isEqualTo(2);
            assertThat(new byte[] {before.get(), before.get()}).containsExactly(1, 2);
            ByteBuffer after = b.slice(gib, 8);
            assertThat(new byte[] {after.get(), after.get()}).containsExactly(3, 4);
            assertThat(b.slice(gib + 4000, 1 << 20).remaining()).isEqualTo(96);
        }
        assertThat(mappings.inUse()).isZero();
        assertThat(mappings.mapped()).as("it lingers for the next range").isEqualTo(1);
        try (SharedMappings.Mapping again = mappings.acquire(file)) {
            assertThat(again.slice(gib, 1).get()).isEqualTo((byte) 3);
            assertThat(mappings.mapped()).isEqualTo(1);
        }
    }
}
