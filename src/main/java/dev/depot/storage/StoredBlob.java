package dev.depot.storage;

/** A blob that is fully and durably stored. */
public record StoredBlob(BlobKey key, long size) {}
