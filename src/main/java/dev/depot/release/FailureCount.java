package dev.depot.release;

/** How many installs of a release failed for one reason in one hour (Unix hours). */
public record FailureCount(String reason, long hour, long count) {}
