package dev.depot.storage;

import dev.depot.core.RandomAccessBytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored blob read by ranges, a block at a time, with the last few blocks kept: reading a
 * zip's end record, its central directory and a small entry costs a handful of ranged GETs, not
 * the whole archive.
 */
final class RangedBlobBytes implements RandomAccessBytes {
    static final int BLOCK = 256 * 1024;
    private static final int KEPT = 8;

    private final BlobStore blobs;
    private final BlobKey key;
    private final long size;
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > KEPT;
        }
    };

    RangedBlobBytes(BlobStore blobs, BlobKey key, long size) {
        this.blobs = blobs;
        this.key = key;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        if (position >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long index = position / BLOCK;
            byte[] block = block(index);
            int at = (int) (position - index * BLOCK);
            int n = Math.min(dst.remaining(), block.length - at);
            dst.put(block, at, n);
            position += n;
            total += n;
        }
        return total;
    }

    private byte[] block(long index) throws IOException {
        byte[] b = blocks.get(index);
        if (b == null) {
            long start = index * BLOCK;
            int length = (int) Math.min(BLOCK, size - start);
            try (InputStream in = blobs.read(key, start, length)) {
                b = in.readNBytes(length);
            }
            if (b.length != length) {
                throw new IOException("blob " + key.sha256() + " ended at " + (start + b.length) + " of " + size + " bytes");
            }
            blocks.put(index, b);
        }
        return b;
    }

    @Override
    public void close() {
        blocks.clear();
    }
}
