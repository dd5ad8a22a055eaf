package dev.depot.catalog;

import java.util.List;
import java.util.Map;

/**
 * An uploaded app build. {@code status} moves {@code pending} → {@code in_progress} →
 * {@code processed} or {@code error} (with {@code error} saying why); {@code facts} holds what
 * inspection read from the file.
 */
public record AppBuild(long id, long appId, BuildKind kind, String fileName, long size, String sha256, String md5,
                       String sha1, String status, boolean enabled, String changelog, List<String> tags, String versionName,
                       Long versionCode, Map<String, Object> facts, String error, long createdAt, Long processedAt) {
    public static final String PENDING = "pending";
    public static final String IN_PROGRESS = "in_progress";
    public static final String PROCESSED = "processed";
    public static final String ERROR = "error";

    public boolean processed() {
        return PROCESSED.equals(status);
    }
}
