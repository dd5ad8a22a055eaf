package dev.depot.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578) part by part straight from the request, so a
 * chunk goes from the socket to its destination without being buffered or spilled by the
 * container first. Each part's content is an {@link InputStream} that ends at the next delimiter,
 * found with a Horspool search so a megabyte of content is not compared byte by byte.
 *
 * <p>Malformed input (no opening delimiter, part headers over {@value #MAX_HEADER_BYTES} bytes, a
 * body that ends inside a part) raises {@link Malformed}; an input stream that fails raises its
 * own {@link IOException}.
 */
public final class MultipartStream {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER = 256 * 1024;
    private static final byte[] BLANK_LINE = {'\r', '\n', '\r', '\n'};
    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary=(?:\"([^\"]{1,70})\"|([^;\\s]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");

    /** The body is not a well-formed multipart form. */
    public static final class Malformed extends IOException {
        Malformed(String message) { super(message); }
    }

    /** One part: its form field name, the file name if it carries one, and its content. */
    public record Part(String name, String fileName, InputStream content) {}

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean finished;
    private Part current;

    private MultipartStream(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        // the body opens with "--boundary" where later delimiters have a CRLF before them
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The boundary of a {@code multipart/form-data} content type, if it is one. */
    public static Optional<String> boundaryOf(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (!type.equals("multipart/form-data") || semi < 0) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(contentType.substring(semi));
        return m.find() ? Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : Optional.empty();
    }

    public static MultipartStream of(InputStream in, String boundary) {
        return new MultipartStream(in, boundary);
    }

    /**
     * The next part, or null after the closing delimiter. What is left of the previous part's
     * content is skipped.
     */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.content().transferTo(OutputStream.nullOutputStream());
        } else {
            // the preamble, which carries nothing
            new Content().transferTo(OutputStream.nullOutputStream());
        }
        // after a delimiter: "--" closes the body, otherwise optional whitespace and CRLF
        if (!fill(2)) {
            throw new Malformed("the body ends after a delimiter");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        String headers = readHeaders();
        String disposition = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                disposition = line.substring(colon + 1).trim();
            }
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw new Malformed("a part has no form-data Content-Disposition");
        }
        String params = disposition.substring("form-data".length());
        Matcher name = NAME.matcher(params);
        Matcher file = FILE_NAME.matcher(params);
        current = new Part(name.find() ? name.group(1) : "", file.find() ? file.group(1) : null, new Content());
        return current;
    }

    /** Reads the rest of the delimiter line and the part's header lines, up to the blank line. */
    private String readHeaders() throws IOException {
        int start = pos;
        int blank;
        while ((blank = indexOf(BLANK_LINE, start)) < 0) {
            if (lim - pos > MAX_HEADER_BYTES) {
                throw new Malformed("part headers are over " + MAX_HEADER_BYTES + " bytes");
            }
            int before = lim - pos;
            if (!fill(before + 1)) {
                throw new Malformed("the body ends inside part headers");
            }
            start = pos;
        }
        if (blank - pos > MAX_HEADER_BYTES) {
            throw new Malformed("part headers are over " + MAX_HEADER_BYTES + " bytes");
        }
        String text = new String(buf, pos, blank - pos, StandardCharsets.UTF_8);
        pos = blank + 4;
        // the delimiter line may end in transport padding before its CRLF
        int eol = text.indexOf("\r\n");
        String padding = eol < 0 ? text : text.substring(0, eol);
        if (!padding.isBlank()) {
            throw new Malformed("a delimiter is followed by " + padding.strip());
        }
        return eol < 0 ? "" : text.substring(eol + 2);
    }

    private int indexOf(byte[] n, int from) {
        outer:
        for (int i = from; i + n.length <= lim; i++) {
            for (int j = 0; j < n.length; j++) {
                if (buf[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Ensures {@code need} unread bytes are buffered; false when the input ends first. */
    private boolean fill(int need) throws IOException {
        if (lim - pos >= need) {
            return true;
        }
        if (need > buf.length) {
            throw new Malformed("part headers are over " + MAX_HEADER_BYTES + " bytes");
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < need && !eof) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
            } else {
                lim += n;
            }
        }
        return lim - pos >= need;
    }

    /** Where the delimiter starts in the buffered bytes, or -1 (Horspool). */
    private int findDelimiter() {
        int last = delimiter.length - 1;
        int i = pos;
        while (i + last < lim) {
            int j = last;
            while (buf[i + j] == delimiter[j]) {
                if (j == 0) {
                    return i;
                }
                j--;
            }
            i += skip[buf[i + last] & 0xff];
        }
        return -1;
    }

    /** A part's content: the bytes up to the next delimiter, which it consumes at its end. */
    private final class Content extends InputStream {
        private boolean done;
        /** Bytes before this position are content for certain (no delimiter starts before it). */
        private int safeEnd = -1;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (safeEnd > pos) {
                    int n = Math.min(len, safeEnd - pos);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                int at = findDelimiter();
                if (at == pos) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                }
                if (at > pos) {
                    safeEnd = at;
                    continue;
                }
                // no delimiter in the buffer: all but its last (length - 1) bytes are content
                int keep = delimiter.length - 1;
                if (lim - pos > keep) {
                    safeEnd = lim - keep;
                    continue;
                }
                if (eof) {
                    throw new Malformed("the body ends inside a part");
                }
                safeEnd = -1; // filling moves the buffered bytes
                fill(lim - pos + 1);
            }
        }
    }
}
