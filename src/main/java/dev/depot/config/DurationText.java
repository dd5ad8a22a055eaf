package dev.depot.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 90s}, {@code 15m}, {@code 24h}, {@code 30d}, ISO-8601 {@code PT1H}, or {@code 0}. */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

    private DurationText() {}

    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        if (t.equals("0")) {
            return Duration.ZERO; // nothing needs no unit ("updater.cache-ttl = 0" disables the cache)
        }
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 90s, 15m, 24h, 30d, PT1H)");
        }
    }
}
