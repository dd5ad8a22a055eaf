package dev.depot.repository;

/**
 * One published app version, as repository clients see it: {@code publishedAt} is when this
 * version entered the repository, {@code packageFirstPublishedAt} when its app first did;
 * {@code signerSig} is F-Droid's {@code sig} of the signer and {@code iconSha256} the stored launcher
 * icon, both read at inspection (null for builds inspected before Depot recorded them).
 */
public record RepositoryEntry(long buildId, String packageName, long versionCode, String versionName, long size,
                              String sha256, String signer, String fileName, String label, Integer minSdk,
                              Integer targetSdk, long publishedRevision, String iconPath, long publishedAt,
                              long packageFirstPublishedAt, String signerSig, String iconSha256) {}
