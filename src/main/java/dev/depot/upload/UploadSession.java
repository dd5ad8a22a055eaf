package dev.depot.upload;

/**
 * A resumable upload in progress. {@code totalLength} is null until the client declares it.
 * {@code status} follows shippy's numbering: 1 incomplete, 2 complete.
 */
public record UploadSession(String id, long userId, String protocol, String fileName, long offset, Long totalLength,
                            int status, long createdAt, Long completedAt, long expiresAt) {
    public static final int INCOMPLETE = 1;
    public static final int COMPLETE = 2;

    public boolean complete() { return status == COMPLETE; }
}
