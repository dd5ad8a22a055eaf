package dev.depot.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Values kept while nothing they derive from has changed: an entry is dropped as soon as
 * {@code generation} moves (this node changed something) and in any case after {@code ttl}, which
 * bounds how long a change made on another node or by the CLI takes to show. A zero TTL keeps
 * nothing. Full, it starts over rather than track what was used least.
 */
public final class ChangeBoundCache<K, V> {
    private record Entry<V>(long generation, long expiresAt, V value) {}

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final LongSupplier generation;
    private final long ttlNanos;
    private final int maxEntries;

    public ChangeBoundCache(LongSupplier generation, Duration ttl, int maxEntries) {
        this.generation = generation;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    /** The kept value of {@code key} while it is fresh, else null (nothing is loaded). */
    public V peek(K key) {
        Entry<V> e = ttlNanos <= 0 ? null : entries.get(key);
        return e != null && e.generation() == generation.getAsLong() && System.nanoTime() - e.expiresAt() < 0 ? e.value() : null;
    }

    /** The kept value of {@code key}, or a fresh one from {@code load} (kept in turn). */
    public V get(K key, Supplier<V> load) {
        long gen = generation.getAsLong();
        long now = System.nanoTime();
        Entry<V> e = ttlNanos <= 0 ? null : entries.get(key);
        if (e != null && e.generation() == gen && now - e.expiresAt() < 0) {
            return e.value();
        }
        V value = load.get();
        if (ttlNanos > 0) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(gen, now + ttlNanos, value));
        }
        return value;
    }
}
