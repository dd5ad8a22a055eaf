package dev.depot.ota;

import java.time.LocalDate;
import java.util.Map;

/** A ROM build as the updater and the shipper API see it. */
public record OtaBuild(long id, String fileName, long size, String sha256, String md5, String status,
                       boolean enabled, String deviceCodename, String variantCodename, String version,
                       LocalDate buildDate, String x86Type, String releaseType, Map<String, String> metadata,
                       Map<String, Object> facts, long createdAt, String changelog) {

    /** The file name without its {@code .zip} extension, as shipper stores it. */
    public String baseName() {
        return fileName.toLowerCase().endsWith(".zip") ? fileName.substring(0, fileName.length() - 4) : fileName;
    }

    /** Whether phones and visitors may see and download it: enabled, and processed. */
    public boolean published() {
        return enabled && "processed".equals(status);
    }

    /** Unix seconds of the build date at 00:00 UTC. */
    public long buildEpochSeconds() {
        return buildDate.toEpochDay() * 86_400L;
    }
}
