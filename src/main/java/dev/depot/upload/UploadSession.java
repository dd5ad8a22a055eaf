package dev.depot.upload;

import java.util.Map;

/**
 * A resumable upload in progress. {@code totalLength} is null until the client declares it.
 * {@code status} follows shippy's numbering: 1 incomplete, 2 complete. {@code metadata} carries what
 * the protocol declared with the upload (tus metadata: where the build goes, its SHA-256, ...).
 * {@code sha256} and {@code md5} (and an APK's {@code sha1}) are known once a completion has hashed
 * every byte.
 */
public record UploadSession(String id, long userId, String protocol, String fileName, long offset, Long totalLength,
                            int status, long createdAt, Long completedAt, long expiresAt, Map<String, String> metadata,
                            String sha256, String md5, String sha1) {
    public static final int INCOMPLETE = 1;
    public static final int COMPLETE = 2;

    public boolean complete() { return status == COMPLETE; }

    /** Whether every byte has arrived. */
    public boolean full() { return totalLength != null && offset == totalLength; }

    /**
     * Whether its SHA-1 is computed while it arrives: every upload's, since the feed lists an APK's
     * and hawkBit's device API gives a ROM build's to devices, which check it.
     */
    public boolean needsSha1() {
        return true;
    }

    /** The same session at another offset (and with its total, once declared). */
    UploadSession at(long newOffset, Long total) {
        return new UploadSession(id, userId, protocol, fileName, newOffset, totalLength != null ? totalLength : total, status,
                createdAt, completedAt, expiresAt, metadata, sha256, md5, sha1);
    }
}
