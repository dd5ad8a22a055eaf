package dev.depot.core;

import java.io.Closeable;
import java.io.IOException;
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
