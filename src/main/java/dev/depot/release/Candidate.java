package dev.depot.release;

/**
 * A release as an offer sees it, with what of its build decides whether it fits a device: whether
 * the build is published (enabled and processed), its variant and x86 type (ROM builds), its
 * build date (ROM builds, {@code yyyy-MM-dd}) or version code (app builds).
 */
public record Candidate(Release release, boolean published, String variant, String x86Type, String buildDate,
                        Long versionCode) {}
