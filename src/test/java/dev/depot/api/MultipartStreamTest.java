package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartStreamTest {
    private static final String B = "a1b2c3d4e5f6";

    private record Read(String name, String fileName, byte[] content) {}

    private static List<Read> readAll(byte[] body, String boundary, int maxRead) throws IOException {
        // a stream that hands out at most maxRead bytes per call, as a socket does
        InputStream in = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, maxRead));
            }
        };
        MultipartStream form = MultipartStream.of(in, boundary);
        List<Read> parts = new ArrayList<>();
        for (MultipartStream.Part p; (p = form.next()) != null; ) {
            parts.add(new Read(p.name(), p.fileName(), p.content().readAllBytes()));
        }
        return parts;
    }

    private static byte[] body(String boundary, byte[] file, boolean preamble) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = (preamble ? "ignored preamble\r\n" : "") + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"filename\"\r\n\r\nBliss.zip\r\n"
                + "--" + boundary + "  \r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void partsComeOutWholeWhateverTheReadSizes() throws IOException {
        byte[] file = new byte[1_000_000];
        new Random(7).nextBytes(file);
        // near-misses of the delimiter inside the content, also across buffer edges
        byte[] nearMiss = ("\r\n--" + B.substring(0, 11) + "X").getBytes(StandardCharsets.ISO_8859_1);
        for (int at : new int[] {0, 1000, 262_144 - 5, 262_144 - 14, 524_288 - 1, file.length - nearMiss.length}) {
            System.arraycopy(nearMiss, 0, file, at, nearMiss.length);
        }
        for (int maxRead : new int[] {1, 7, 8192, 65_536, 1 << 20}) {
            List<Read> parts = readAll(body(B, maxRead == 1 ? java.util.Arrays.copyOf(file, 5000) : file, maxRead == 7), B, maxRead);
            assertThat(parts).hasSize(2);
            assertThat(parts.get(0).name()).isEqualTo("filename");
            assertThat(parts.get(0).fileName()).isNull();
            assertThat(new String(parts.get(0).content(), StandardCharsets.UTF_8)).isEqualTo("Bliss.zip");
            assertThat(parts.get(1).name()).isEqualTo("file");
            assertThat(parts.get(1).fileName()).isEqualTo("file");
            assertThat(parts.get(1).content()).isEqualTo(maxRead == 1 ? java.util.Arrays.copyOf(file, 5000) : file);
        }
    }

    @Test
    void anEmptyPartAndAnEmptyForm() throws IOException {
        List<Read> parts = readAll(body(B, new byte[0], false), B, 100);
        assertThat(parts.get(1).content()).isEmpty();
        assertThat(readAll(("--" + B + "--\r\n").getBytes(StandardCharsets.ISO_8859_1), B, 100)).isEmpty();
    }

    @Test
    void boundariesFromContentTypes() {
        assertThat(MultipartStream.boundaryOf("multipart/form-data; boundary=" + B)).contains(B);
        assertThat(MultipartStream.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"")).contains("a b");
        assertThat(MultipartStream.boundaryOf("multipart/form-data")).isEmpty();
        assertThat(MultipartStream.boundaryOf("application/octet-stream; boundary=x")).isEmpty();
        assertThat(MultipartStream.boundaryOf(null)).isEmpty();
    }

    @Test
    void malformedBodiesAreRefused() {
        byte[] whole = body(B, "0123456789".getBytes(StandardCharsets.US_ASCII), false);
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 20);
        assertThatThrownBy(() -> readAll(truncated, B, 1000)).isInstanceOf(MultipartStream.Malformed.class)
                .hasMessageContaining("ends inside a part");
        assertThatThrownBy(() -> readAll("no delimiter at all".getBytes(StandardCharsets.US_ASCII), B, 1000))
                .isInstanceOf(MultipartStream.Malformed.class);
        assertThatThrownBy(() -> readAll(("--" + B + "\r\nX-Other: 1\r\n\r\nvalue\r\n--" + B + "--").getBytes(StandardCharsets.US_ASCII), B, 1000))
                .isInstanceOf(MultipartStream.Malformed.class).hasMessageContaining("Content-Disposition");
        String huge = "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\nX: " + "x".repeat(20_000) + "\r\n\r\nv\r\n--" + B + "--";
        assertThatThrownBy(() -> readAll(huge.getBytes(StandardCharsets.US_ASCII), B, 4096))
                .isInstanceOf(MultipartStream.Malformed.class).hasMessageContaining("over");
        assertThatThrownBy(() -> readAll(("--" + B + "garbage\r\n\r\n").getBytes(StandardCharsets.US_ASCII), B, 1000))
                .isInstanceOf(MultipartStream.Malformed.class);
    }
}
