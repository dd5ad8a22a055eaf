package dev.depot.config;

import java.time.Duration;

/** How uploads are taken, read once from the settings. */
public record UploadSettings(long maxBytes, Duration expiry, long checkpointBytes, Duration cleanupInterval) {
    static UploadSettings of(Settings settings) {
        long max = settings.getLong(Setting.UPLOAD_MAX_BYTES);
        if (max <= 0) {
            throw new ConfigException(Setting.UPLOAD_MAX_BYTES.key() + " must be positive, not " + max);
        }
        return new UploadSettings(max, settings.getDuration(Setting.UPLOAD_EXPIRY),
                settings.getLong(Setting.UPLOAD_CHECKPOINT_BYTES), settings.getDuration(Setting.UPLOAD_CLEANUP_INTERVAL));
    }
}
