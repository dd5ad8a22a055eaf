package dev.depot.storage;

import java.util.regex.Pattern;

/** The address of a blob: the lowercase hex SHA-256 of its bytes. Validated on construction. */
public record BlobKey(String sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public BlobKey {
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
        }
    }

    public static boolean isValid(String text) {
        return text != null && HEX64.matcher(text).matches();
    }

    @Override
    public String toString() { return sha256; }
}
