package dev.depot.upload;

import dev.depot.storage.StoredBlob;

/** An upload whose bytes matched the client's checksum and are now a stored blob; {@code sha1} only for an APK. */
public record VerifiedUpload(UploadSession session, StoredBlob blob, String sha256, String md5, String sha1) {}
