package dev.depot.ota;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts this node's changes to devices, variants and ROM builds, so that answers cached from them
 * (update checks, download lookups) know when they are stale. Shared by the services that change them.
 */
public final class OtaChanges {
    private final AtomicLong count = new AtomicLong();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void changed() {
        count.incrementAndGet();
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after each change this node makes (once it is committed). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Grows with every change this node makes. */
    public long count() {
        return count.get();
    }
}
