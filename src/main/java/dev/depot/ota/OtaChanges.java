package dev.depot.ota;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts this node's changes to devices, variants and ROM builds, so that answers cached from them
 * (update checks, download lookups) know when they are stale. Shared by the services that change them.
 */
public final class OtaChanges {
    private final AtomicLong count = new AtomicLong();

    void changed() {
        count.incrementAndGet();
    }

    /** Grows with every change this node makes. */
    public long count() {
        return count.get();
    }
}
