package dev.depot.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes that can be read at any position: a local file, or a stored blob read by ranges (so a
 * zip's central directory is read without fetching the whole archive).
 */
public interface RandomAccessBytes extends Closeable {
    long size() throws IOException;

    /** Reads into {@code dst} from {@code position}; returns how many bytes were read, -1 at the end. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** The bytes from {@code position} to the end, as a stream (unbuffered: each read is a positional read). */
    default InputStream streamFrom(long position) {
        RandomAccessBytes source = this;
        return new InputStream() {
            private long at = position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = source.read(ByteBuffer.wrap(b, off, len), at);
                if (n > 0) {
                    at += n;
                }
                return n;
            }
        };
    }

    /** A local file's bytes. */
    static RandomAccessBytes open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new RandomAccessBytes() {
            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return ch.read(dst, position);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
