package dev.depot.inspect;

import dev.depot.core.RandomAccessBytes;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A bounded reader of ZIP archives (APK, AAB, IPA, OTA), written for hostile input. It reads the
 * central directory the way Android's own libziparchive does (the end record is searched from the
 * end, bytes between the directory and the end record are tolerated, names are compared as raw
 * bytes so a name with a NUL matches nothing) and refuses more entries, bigger directories or
 * bigger entries than its {@link Limits} allow. Only stored and deflated entries can be read.
 */
public final class ZipArchive implements Closeable {
    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int CD_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int EOCD_SIZE = 22;

    /** Safety limits. */
    public record Limits(int maxEntries, long maxCentralDirectoryBytes) {
        public static final Limits DEFAULT = new Limits(200_000, 64L << 20);
    }

    /** One central-directory entry. */
    public record Entry(String name, byte[] rawName, int method, long compressedSize, long size, long localHeaderOffset) {
        public boolean isDirectory() {
            return name.endsWith("/");
        }
    }

    private final RandomAccessBytes source;
    private final long fileSize;
    private final List<Entry> entries;

    private ZipArchive(RandomAccessBytes source, long fileSize, List<Entry> entries) {
        this.source = source;
        this.fileSize = fileSize;
        this.entries = entries;
    }

    public static ZipArchive open(Path file) throws InspectionException {
        return open(file, Limits.DEFAULT);
    }

    public static ZipArchive open(Path file, Limits limits) throws InspectionException {
        RandomAccessBytes ch;
        try {
            ch = RandomAccessBytes.open(file);
        } catch (IOException e) {
            throw new InspectionException("cannot open the file: " + e.getMessage(), e);
        }
        return open(ch, limits);
    }

    /** An archive over {@code source}, which it closes when closed (also when it cannot be read). */
    public static ZipArchive open(RandomAccessBytes source, Limits limits) throws InspectionException {
        RandomAccessBytes ch = source;
        try {
            long size = ch.size();
            List<Entry> entries = readCentralDirectory(ch, size, limits);
            return new ZipArchive(ch, size, entries);
        } catch (InspectionException | RuntimeException e) {
            closeQuietly(ch);
            throw e instanceof InspectionException ie ? ie : new InspectionException("not a readable ZIP archive: " + e, e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new InspectionException("cannot read the file: " + e.getMessage(), e);
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry whose name is exactly {@code name}, compared as UTF-8 bytes. */
    public Optional<Entry> find(String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (Entry e : entries) {
            if (Arrays.equals(e.rawName(), wanted)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The entry's uncompressed bytes; refuses entries declared or found larger than {@code maxBytes}. */
    public byte[] read(Entry e, int maxBytes) throws InspectionException {
        try {
            long dataStart = dataStart(e, maxBytes);
            return switch (e.method()) {
                case 0 -> {
                    if (e.compressedSize() != e.size()) {
                        throw new InspectionException(e.name() + " is stored with inconsistent sizes");
                    }
                    yield readFully(dataStart, (int) e.size());
                }
                case 8 -> inflate(e, dataStart, maxBytes);
                default -> throw new InspectionException(e.name() + " uses unsupported compression method " + e.method());
            };
        } catch (IOException ex) {
            throw new InspectionException("cannot read " + e.name() + ": " + ex.getMessage(), ex);
        }
    }

    /** Streams the entry's uncompressed bytes to {@code target}; refuses entries larger than {@code maxBytes}. */
    public void copyTo(Entry e, Path target, long maxBytes) throws InspectionException {
        try {
            long dataStart = dataStart(e, maxBytes);
            InputStream raw = new BufferedInputStream(source.streamFrom(dataStart), 1 << 16);
            InputStream bounded = new FilterInputStream(raw) {
                long left = e.compressedSize();

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
            InputStream in = switch (e.method()) {
                case 0 -> bounded;
                case 8 -> new InflaterInputStream(bounded, new Inflater(true), 1 << 16);
                default -> throw new InspectionException(e.name() + " uses unsupported compression method " + e.method());
            };
            long copied;
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[1 << 16];
                copied = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    copied += n;
                    if (copied > e.size()) {
                        throw new InspectionException(e.name() + " inflates to more than its declared " + e.size() + " bytes");
                    }
                    out.write(buf, 0, n);
                }
            }
            if (copied != e.size()) {
                throw new InspectionException(e.name() + " inflates to " + copied + " bytes, not the declared " + e.size());
            }
        } catch (IOException ex) {
            throw new InspectionException("cannot read " + e.name() + ": " + ex.getMessage(), ex);
        }
    }

    private byte[] inflate(Entry e, long dataStart, int maxBytes) throws IOException, InspectionException {
        if (e.compressedSize() > Integer.MAX_VALUE - 8) {
            throw new InspectionException(e.name() + " is too large to inflate");
        }
        byte[] compressed = readFully(dataStart, (int) e.compressedSize());
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[(int) e.size()];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != out.length) {
                throw new InspectionException(e.name() + " inflates to " + n + " bytes, not the declared " + e.size());
            }
            // More output than declared is a lie about the size (a classic bomb trick): refuse it.
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new InspectionException(e.name() + " inflates to more than its declared " + e.size() + " bytes");
            }
            return out;
        } catch (DataFormatException ex) {
            throw new InspectionException(e.name() + " is not valid deflate data: " + ex.getMessage(), ex);
        } finally {
            inflater.end();
        }
    }

    /** Where the entry's data starts, once it is known to be within {@code maxBytes} and within the file. */
    private long dataStart(Entry e, long maxBytes) throws IOException, InspectionException {
        if (e.size() > maxBytes) {
            throw new InspectionException(e.name() + " is " + e.size() + " bytes uncompressed, over the limit of " + maxBytes);
        }
        long dataStart = dataOffset(e);
        if (dataStart + e.compressedSize() > fileSize) {
            throw new InspectionException(e.name() + " runs past the end of the file");
        }
        return dataStart;
    }

    private long dataOffset(Entry e) throws IOException, InspectionException {
        ByteBuffer local = read(e.localHeaderOffset(), 30);
        if (local.getInt(0) != LOCAL_SIGNATURE) {
            throw new InspectionException("bad local header for " + e.name());
        }
        int nameLength = Short.toUnsignedInt(local.getShort(26));
        int extraLength = Short.toUnsignedInt(local.getShort(28));
        // Android's reader rejects an entry whose local name differs from its directory name.
        if (nameLength != e.rawName().length || !Arrays.equals(readFully(e.localHeaderOffset() + 30, nameLength), e.rawName())) {
            throw new InspectionException(e.name() + ": the local header names a different file");
        }
        return e.localHeaderOffset() + 30 + nameLength + extraLength;
    }

    private static List<Entry> readCentralDirectory(RandomAccessBytes ch, long size, Limits limits)
            throws IOException, InspectionException {
        if (size < EOCD_SIZE) {
            throw new InspectionException("not a ZIP archive: too short");
        }
        int tailLength = (int) Math.min(size, EOCD_SIZE + 0xFFFF);
        ByteBuffer tail = read(ch, size - tailLength, tailLength);
        int eocd = -1;
        for (int i = tailLength - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIGNATURE) {
                int commentLength = Short.toUnsignedInt(tail.getShort(i + 20));
                if (i + EOCD_SIZE + commentLength <= tailLength) {
                    eocd = i;
                    break;
                }
            }
        }
        if (eocd < 0) {
            throw new InspectionException("not a ZIP archive: no end of central directory record");
        }
        long eocdOffset = size - tailLength + eocd;
        long count = Short.toUnsignedInt(tail.getShort(eocd + 10));
        long cdSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
        long cdOffset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
        if ((count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) && eocdOffset >= 20) {
            ByteBuffer locator = read(ch, eocdOffset - 20, 20);
            if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                long zip64Offset = locator.getLong(8);
                if (zip64Offset < 0 || zip64Offset + 56 > size) {
                    throw new InspectionException("not a ZIP archive: bad ZIP64 locator");
                }
                ByteBuffer z = read(ch, zip64Offset, 56);
                if (z.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                    throw new InspectionException("not a ZIP archive: bad ZIP64 end record");
                }
                count = z.getLong(32);
                cdSize = z.getLong(40);
                cdOffset = z.getLong(48);
            }
        }
        if (count > limits.maxEntries()) {
            throw new InspectionException("the archive has " + count + " entries, over the limit of " + limits.maxEntries());
        }
        if (cdSize > limits.maxCentralDirectoryBytes() || cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > eocdOffset) {
            throw new InspectionException("not a ZIP archive: the central directory lies outside the file");
        }
        ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
        List<Entry> entries = new ArrayList<>((int) Math.min(count, 10_000));
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != CD_SIGNATURE) {
                throw new InspectionException("not a ZIP archive: damaged central directory at entry " + i);
            }
            int method = Short.toUnsignedInt(cd.getShort(p + 10));
            long compressed = Integer.toUnsignedLong(cd.getInt(p + 20));
            long uncompressed = Integer.toUnsignedLong(cd.getInt(p + 24));
            int nameLength = Short.toUnsignedInt(cd.getShort(p + 28));
            int extraLength = Short.toUnsignedInt(cd.getShort(p + 30));
            int commentLength = Short.toUnsignedInt(cd.getShort(p + 32));
            long localOffset = Integer.toUnsignedLong(cd.getInt(p + 42));
            int next = p + 46 + nameLength + extraLength + commentLength;
            if (next > cd.limit()) {
                throw new InspectionException("not a ZIP archive: damaged central directory at entry " + i);
            }
            byte[] rawName = new byte[nameLength];
            cd.get(p + 46, rawName);
            for (byte b : rawName) {
                if (b == 0) { // Android refuses such an archive outright
                    throw new InspectionException("not a valid archive: entry " + i + " has a NUL byte in its name");
                }
            }
            long[] sizes = {uncompressed, compressed, localOffset};
            readZip64Extra(cd, p + 46 + nameLength, extraLength, sizes);
            if (sizes[2] < 0 || sizes[2] + 30 > size || sizes[0] < 0 || sizes[1] < 0) {
                throw new InspectionException("not a ZIP archive: entry " + i + " points outside the file");
            }
            entries.add(new Entry(new String(rawName, StandardCharsets.UTF_8), rawName, method, sizes[1], sizes[0], sizes[2]));
            p = next;
        }
        return List.copyOf(entries);
    }

    /** Replaces 0xFFFFFFFF sizes and offset with their ZIP64 values, in order, as the format says. */
    private static void readZip64Extra(ByteBuffer cd, int start, int length, long[] sizes) {
        int p = start;
        int end = start + length;
        while (p + 4 <= end) {
            int id = Short.toUnsignedInt(cd.getShort(p));
            int len = Short.toUnsignedInt(cd.getShort(p + 2));
            if (id == 0x0001) {
                int q = p + 4;
                for (int k = 0; k < 3; k++) {
                    if (sizes[k] == 0xFFFFFFFFL && q + 8 <= Math.min(end, p + 4 + len)) {
                        sizes[k] = cd.getLong(q);
                        q += 8;
                    }
                }
                return;
            }
            p += 4 + len;
        }
    }

    private ByteBuffer read(long offset, int length) throws IOException {
        return read(source, offset, length);
    }

    private byte[] readFully(long offset, int length) throws IOException {
        ByteBuffer b = read(offset, length);
        byte[] out = new byte[length];
        b.get(0, out);
        return out;
    }

    private static ByteBuffer read(RandomAccessBytes ch, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file at " + (offset + b.position()));
            }
        }
        return b.flip();
    }

    private static void closeQuietly(RandomAccessBytes ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to add to the failure being reported
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
