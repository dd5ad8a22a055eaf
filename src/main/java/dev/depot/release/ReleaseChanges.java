package dev.depot.release;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts this node's changes to channels and releases (a halt included), so that offers cached
 * from them know when they are stale.
 */
public final class ReleaseChanges {
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

    public long count() {
        return count.get();
    }
}
