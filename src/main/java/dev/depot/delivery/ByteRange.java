package dev.depot.delivery;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a representation, per RFC 9110 §14. Only single ranges are
 * served; a multi-range request is answered with the whole representation, which the RFC allows.
 */
public record ByteRange(long start, long end) {
    private static final Pattern SINGLE = Pattern.compile("bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    public long length() { return end - start + 1; }

    /** What a {@code Range} header asks of a representation of {@code size} bytes. */
    public sealed interface Request {
        /** No range (absent, malformed or multi-range): send everything with 200. */
        record Whole() implements Request {}

        /** Send this part with 206. */
        record Partial(ByteRange range) implements Request {}

        /** Nothing of the representation satisfies the range: 416. */
        record Unsatisfiable() implements Request {}
    }

    public static Request parse(String header, long size) {
        if (header == null || header.isBlank()) {
            return new Request.Whole();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches()) {
            return new Request.Whole(); // unknown units, syntax errors and multiple ranges are ignored
        }
        String first = m.group(1);
        String last = m.group(2);
        if (first.isEmpty()) {
            if (last.isEmpty()) {
                return new Request.Whole();
            }
            long suffix = digits(last);
            if (suffix == 0 || size == 0) {
                return new Request.Unsatisfiable();
            }
            return new Request.Partial(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long start = digits(first);
        if (start >= size) {
            return new Request.Unsatisfiable();
        }
        // a last position past the end, however large, means the end (RFC 9110 §14.1.2)
        long end = last.isEmpty() ? size - 1 : Math.min(digits(last), size - 1);
        if (end < start) {
            return new Request.Whole(); // an invalid range-spec: the header is ignored
        }
        return new Request.Partial(new ByteRange(start, end));
    }

    /** A position or length: digits beyond a long are past the end of any representation. */
    private static long digits(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    public static Optional<ByteRange> of(Request r) {
        return r instanceof Request.Partial p ? Optional.of(p.range()) : Optional.empty();
    }
}
