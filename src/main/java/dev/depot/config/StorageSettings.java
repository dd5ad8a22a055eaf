package dev.depot.config;

import java.time.Duration;

/**
 * Where blobs live, read once from the settings: the data directory's {@code blobs/}, or an S3
 * bucket; and how long a call to the store may wait.
 */
public record StorageSettings(Kind kind, S3 s3, Duration timeout) {
    public enum Kind { FILESYSTEM, S3 }

    /** An S3 bucket and how to reach it; the secret key is never logged. */
    public record S3(String endpoint, String region, String bucket, String prefix, boolean pathStyle, String accessKey,
                     String secretKey) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix + "]";
        }
    }

    static StorageSettings of(Settings settings) {
        String kind = settings.get(Setting.STORAGE).trim().toLowerCase();
        Duration timeout = settings.getDuration(Setting.STORAGE_TIMEOUT);
        return switch (kind) {
            case "filesystem" -> new StorageSettings(Kind.FILESYSTEM, null, timeout);
            case "s3" -> {
                if (settings.get(Setting.S3_BUCKET).isBlank()) {
                    throw new ConfigException("storage is s3 but s3.bucket is empty");
                }
                yield new StorageSettings(Kind.S3, new S3(settings.get(Setting.S3_ENDPOINT), settings.get(Setting.S3_REGION),
                        settings.get(Setting.S3_BUCKET), settings.get(Setting.S3_PREFIX),
                        Boolean.parseBoolean(settings.get(Setting.S3_PATH_STYLE).trim()), settings.get(Setting.S3_ACCESS_KEY),
                        settings.get(Setting.S3_SECRET_KEY)), timeout);
            }
            default -> throw new ConfigException("storage must be filesystem or s3, not '" + kind + "'");
        };
    }
}
