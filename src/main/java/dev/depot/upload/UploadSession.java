package dev.depot.upload;

import java.util.Map;

/**
 * A resumable upload in progress. {@code totalLength} is null until the client declares it.
 * {@code status} follows shippy's numbering: 1 incomplete, 2 complete. {@code metadata} carries what
 * the protocol declared with the upload (tus metadata: where the build goes, its SHA-256, ...).
 */
public record UploadSession(String id, long userId, String protocol, String fileName, long offset, Long totalLength,
                            int status, long createdAt, Long completedAt, long expiresAt, Map<String, String> metadata) {
    public static final int INCOMPLETE = 1;
    public static final int COMPLETE = 2;

    public boolean complete() { return status == COMPLETE; }
}
