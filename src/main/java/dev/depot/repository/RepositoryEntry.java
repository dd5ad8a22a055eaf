package dev.depot.repository;

/** One published app version, as repository clients see it. */
public record RepositoryEntry(long buildId, String packageName, long versionCode, String versionName, long size,
                              String sha256, String signer, String fileName, String label, Integer minSdk,
                              Integer targetSdk, long publishedRevision, String iconPath) {}
