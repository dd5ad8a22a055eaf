package dev.depot.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files made to hurt a parser end in a clear {@link InspectionException}, quickly and without running out of memory. */
class ApkInspectorHostileTest {
    @TempDir
    Path dir;
    private final ApkInspector inspector = new ApkInspector();

    static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void aZipBombManifestIsRefusedByItsDeclaredSize() throws IOException {
        byte[] bomb = zip("AndroidManifest.xml", new byte[64 << 20]); // 64 MiB of zeros, ~64 KiB zipped
        assertThat(bomb.length).isLessThan(200_000);

        assertThatThrownBy(() -> inspector.inspect(write("bomb.apk", bomb)))
                .isInstanceOf(InspectionException.class).hasMessageContaining("over the limit");
    }

    @Test
    void aManifestThatLiesAboutItsSizeIsRefused() throws IOException {
        byte[] z = zip("AndroidManifest.xml", new byte[1 << 20]);
        // rewrite the declared uncompressed size (local header and directory) to 100 bytes
        ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= z.length; i++) {
            int sig = b.getInt(i);
            if (sig == 0x02014b50) {
                b.putInt(i + 24, 100);
            }
        }
        assertThatThrownBy(() -> inspector.inspect(write("liar.apk", z)))
                .isInstanceOf(InspectionException.class).hasMessageContaining("more than its declared");
    }

    @Test
    void aTruncatedApkIsRefused() throws Exception {
        byte[] whole = zip("AndroidManifest.xml", realManifest());
        Path half = write("half.apk", Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> inspector.inspect(half)).isInstanceOf(InspectionException.class)
                .hasMessageContaining("not a ZIP archive");
    }

    @Test
    void somethingThatIsNotAZipIsRefused() throws IOException {
        assertThatThrownBy(() -> inspector.inspect(write("text.apk", "hello, I am not an APK".repeat(10).getBytes())))
                .isInstanceOf(InspectionException.class).hasMessageContaining("not a ZIP archive");
        assertThatThrownBy(() -> inspector.inspect(write("empty.apk", new byte[0])))
                .isInstanceOf(InspectionException.class);
    }

    @Test
    void aManifestWithABrokenStringPoolIsRefused() throws Exception {
        byte[] manifest = realManifest();
        // The string pool chunk follows the 8-byte XML header; its string count is at offset 8+8.
        for (int count : new int[] {0x7fffffff, 0x10000000, -1}) {
            byte[] broken = manifest.clone();
            ByteBuffer.wrap(broken).order(ByteOrder.LITTLE_ENDIAN).putInt(16, count);
            Path apk = write("pool" + count + ".apk", zip("AndroidManifest.xml", broken));

            assertThatThrownBy(() -> inspector.inspect(apk)).isInstanceOf(InspectionException.class);
        }
    }

    @Test
    void garbageInsteadOfABinaryManifestIsRefused() throws Exception {
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        assertThatThrownBy(() -> inspector.inspect(write("junk.apk", zip("AndroidManifest.xml", junk))))
                .isInstanceOf(InspectionException.class).hasMessageContaining("manifest");
    }

    /** hello-world.apk's binary manifest, kept with the fuzz seeds so these tests need no corpus. */
    static byte[] realManifest() throws IOException {
        try (var in = ApkInspectorHostileTest.class.getResourceAsStream("ParserFuzzTestInputs/binaryManifest/real-0")) {
            return in.readAllBytes();
        }
    }
}
