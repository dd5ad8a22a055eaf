package dev.depot.upload;

import dev.depot.storage.StoredBlob;

/** An upload whose bytes matched the client's checksum and are now a stored blob. */
public record VerifiedUpload(UploadSession session, StoredBlob blob, String sha256, String md5) {}
