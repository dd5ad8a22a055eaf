package dev.depot.api.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * One read-only memory map per blob file, shared by every download running at the same time.
 * Mapping per request gave each download its own mappings, released only when the garbage
 * collector got to them: thousands of concurrent downloads then held thousands of mappings, each
 * counted again in the process's RSS and all counted against {@code vm.max_map_count}. Blob files
 * never change once written, so sharing their pages is safe; a blob deleted while mapped stays
 * readable until the map goes. A map outlives its last download by {@link #LINGER_NANOS}, so a
 * client fetching a build range by range (as updaters resume) reads one map instead of faulting
 * every range into a new one; then it is dropped (the collector unmaps it).
 */
final class SharedMappings {
    /** A MappedByteBuffer holds at most 2 GiB; files are mapped in regions of 1 GiB. */
    private static final long REGION = 1L << 30;
    private static final long LINGER_NANOS = 10_000_000_000L;
    private static final int MAX_IDLE = 64;

    private final Map<Path, Mapping> open = new HashMap<>();

    /** A mapped file; {@link #close()} once per {@link #acquire}. */
    final class Mapping implements AutoCloseable {
        private final Path file;
        private final MappedByteBuffer[] regions;
        private int users;
        private long idleSince;

        private Mapping(Path file, MappedByteBuffer[] regions) {
            this.file = file;
            this.regions = regions;
        }

        /**
         * A view of at most {@code max} bytes from {@code position}, not crossing a region's end;
         * each view has its own position and limit, so concurrent downloads do not disturb each other.
         */
        ByteBuffer slice(long position, long max) {
            int region = (int) (position / REGION);
            int at = (int) (position % REGION);
            int n = (int) Math.min(max, regions[region].capacity() - at);
            return regions[region].slice(at, n);
        }

        @Override
        public void close() {
            release(this);
        }
    }

    Mapping acquire(Path file) throws IOException {
        synchronized (this) {
            dropIdle(System.nanoTime());
            Mapping m = open.get(file);
            if (m != null) {
                m.users++;
                return m;
            }
        }
        // map outside the lock; if another request mapped the same file meanwhile, theirs is used
        MappedByteBuffer[] regions;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            regions = new MappedByteBuffer[(int) ((size + REGION - 1) / REGION)];
            for (int i = 0; i < regions.length; i++) {
                long start = i * REGION;
                regions[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(REGION, size - start));
            }
        }
        synchronized (this) {
            Mapping m = open.computeIfAbsent(file, f -> new Mapping(f, regions));
            m.users++;
            return m;
        }
    }

    private synchronized void release(Mapping m) {
        if (--m.users == 0) {
            m.idleSince = System.nanoTime();
        }
    }

    /** Forgets maps unused for longer than the linger, and the oldest idle ones beyond {@value #MAX_IDLE}. */
    private void dropIdle(long now) {
        open.values().removeIf(m -> m.users == 0 && now - m.idleSince > LINGER_NANOS);
        long idle = open.values().stream().filter(m -> m.users == 0).count();
        if (idle > MAX_IDLE) {
            open.values().stream().filter(m -> m.users == 0).sorted(Comparator.comparingLong(m -> m.idleSince))
                    .limit(idle - MAX_IDLE).toList().forEach(m -> open.remove(m.file, m));
        }
    }

    /** How many files are mapped for downloads now (in use or lingering). */
    synchronized int mapped() {
        return open.size();
    }

    /** How many maps downloads are using now. */
    synchronized int inUse() {
        return (int) open.values().stream().filter(m -> m.users > 0).count();
    }
}
