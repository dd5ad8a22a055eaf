package dev.depot.release;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts this node's changes to channels and releases (a halt included), so that offers cached
 * from them know when they are stale.
 */
public final class ReleaseChanges {
    private final AtomicLong count = new AtomicLong();

    void changed() {
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }
}
