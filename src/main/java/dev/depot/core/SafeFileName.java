package dev.depot.core;

/**
 * A file name from a client, safe to use as the last part of a path and in a header: no path
 * separators, no {@code ..}, no NUL or other control characters, at most 255 UTF-16 units.
 */
public record SafeFileName(String value) {
    public SafeFileName {
        String problem = problem(value);
        if (problem != null) {
            throw new DepotException.Invalid("invalid_file_name", problem);
        }
    }

    public static boolean isValid(String v) {
        return problem(v) == null;
    }

    private static String problem(String v) {
        if (v == null || v.isBlank()) {
            return "A file name is required.";
        }
        if (v.length() > 255) {
            return "The file name is longer than 255 characters.";
        }
        if (v.equals(".") || v.contains("..")) {
            return "The file name may not contain '..'.";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '/' || c == '\\') {
                return "The file name may not contain '/' or '\\'.";
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return "The file name may not contain control characters.";
            }
        }
        return null;
    }

    @Override
    public String toString() { return value; }
}
