package dev.depot.feed;

import dev.depot.core.DepotException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A feed package's name: {@code %Y%m%dT%H%M} for a 5-minute window (minutes a multiple of 5) or
 * {@code %Y%m%dT%H} for an hour (a one-digit hour is accepted, as the seed itself writes
 * {@code 20210521T5}). Validated on construction; {@code text} is the name as the client wrote it.
 */
public record FeedPackageName(String text, long start, long end, boolean hourly) {
    private static final Pattern FORMAT = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})T(\\d{1,2})(\\d{2})?");
    public static final long FIVE_MINUTES = 5 * 60_000L;
    public static final long HOUR = 60 * 60_000L;
    private static final DateTimeFormatter FIVE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm").withZone(ZoneOffset.UTC);

    public static FeedPackageName parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid("The package is empty; leave the parameter out for the latest package.");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches() || (m.group(5) != null && m.group(4).length() != 2)) {
            throw invalid("The package must be %Y%m%dT%H%M (5-minute package) or %Y%m%dT%H (hourly package), "
                    + "for example 20210521T1015 or 20210521T10; '" + text + "' is neither.");
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        int hour = Integer.parseInt(m.group(4));
        if (month < 1 || month > 12) {
            throw invalid("The month " + m.group(2) + " does not exist.");
        }
        if (hour > 23) {
            throw invalid("The hour " + m.group(4) + " does not exist (00-23).");
        }
        Integer minute = m.group(5) == null ? null : Integer.parseInt(m.group(5));
        if (minute != null && (minute > 59 || minute % 5 != 0)) {
            throw invalid("5-minute packages start at minutes 00, 05, ..., 55; " + m.group(5) + " is not one.");
        }
        LocalDateTime t;
        try {
            t = LocalDateTime.of(year, month, day, hour, minute == null ? 0 : minute);
        } catch (DateTimeException e) {
            throw invalid("The date " + m.group(1) + "-" + m.group(2) + "-" + m.group(3) + " does not exist.");
        }
        long start = t.toInstant(ZoneOffset.UTC).toEpochMilli();
        return new FeedPackageName(text, start, start + (minute == null ? HOUR : FIVE_MINUTES), minute == null);
    }

    /** The 5-minute window that ended most recently at {@code now}. */
    public static FeedPackageName lastClosed(long now) {
        long start = Math.floorDiv(now, FIVE_MINUTES) * FIVE_MINUTES - FIVE_MINUTES;
        return new FeedPackageName(FIVE.format(Instant.ofEpochMilli(start)), start, start + FIVE_MINUTES, false);
    }

    public static long windowOf(long time) {
        return Math.floorDiv(time, FIVE_MINUTES) * FIVE_MINUTES;
    }

    public static String fiveMinuteName(long windowStart) {
        return FIVE.format(Instant.ofEpochMilli(windowStart));
    }

    private static DepotException.Invalid invalid(String message) {
        return new DepotException.Invalid("invalid_package", message);
    }
}
