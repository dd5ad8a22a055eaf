package dev.depot.inspect;

import dev.depot.core.RandomAccessBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads the self-description of an Android OTA package (a ROM zip). */
public final class OtaZipInspector {
    static final int MAX_TEXT_BYTES = 256 * 1024;
    private static final int MAX_LINES = 2000;

    public OtaZipFacts inspect(Path zipFile) throws InspectionException {
        try {
            return inspect(RandomAccessBytes.open(zipFile));
        } catch (IOException e) {
            throw new InspectionException("cannot open the OTA package: " + e.getMessage(), e);
        }
    }

    /** Reads only what it needs of {@code zip} (its directory and the metadata entries), and closes it. */
    public OtaZipFacts inspect(RandomAccessBytes bytes) throws InspectionException {
        try (ZipArchive zip = ZipArchive.open(bytes, ZipArchive.Limits.DEFAULT)) {
            Optional<ZipArchive.Entry> metadata = zip.find("META-INF/com/android/metadata");
            Optional<ZipArchive.Entry> payload = zip.find("payload_properties.txt");
            if (metadata.isEmpty() && payload.isEmpty()) {
                throw new InspectionException("not an OTA package: it has neither META-INF/com/android/metadata nor payload_properties.txt");
            }
            Map<String, String> meta = metadata.isPresent() ? properties(zip.read(metadata.get(), MAX_TEXT_BYTES)) : Map.of();
            Map<String, String> props = payload.isPresent() ? properties(zip.read(payload.get(), MAX_TEXT_BYTES)) : Map.of();
            boolean ab = payload.isPresent() || "AB".equalsIgnoreCase(meta.get("ota-type"));
            return new OtaZipFacts(meta, props, ab);
        } catch (IOException e) {
            throw new InspectionException("cannot read the OTA package: " + e.getMessage(), e);
        }
    }

    /** {@code key=value} lines; blank lines and lines without '=' are skipped. */
    static Map<String, String> properties(byte[] text) throws InspectionException {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = new String(text, StandardCharsets.UTF_8).split("\\R");
        if (lines.length > MAX_LINES) {
            throw new InspectionException("the OTA metadata has more than " + MAX_LINES + " lines");
        }
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
