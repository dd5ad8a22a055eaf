package dev.depot.api.shipper;

import dev.depot.core.DepotException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Rendered JSON answers (and refusals) of the update check, so a phone asking again costs no
 * database work. An answer is dropped as soon as this node changes devices, variants or builds
 * ({@code generation} moves) and in any case after {@code ttl}, which bounds how long a change
 * made on another node or by the CLI takes to show.
 */
final class AnswerCache {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(long generation, long expiresAt, byte[] body, DepotException refusal) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier generation;
    private final long ttlNanos;

    AnswerCache(LongSupplier generation, Duration ttl) {
        this.generation = generation;
        this.ttlNanos = ttl.toNanos();
    }

    /** Answers {@code ctx} from the cache, rendering with {@code answer} when the cached copy is stale. */
    void serve(Context ctx, String key, Supplier<Object> answer) {
        Entry e = ttlNanos <= 0 ? null : entries.get(key);
        long now = System.nanoTime();
        long gen = generation.getAsLong();
        if (e == null || e.generation() != gen || now - e.expiresAt() > 0) {
            try {
                String json = ctx.jsonMapper().toJsonString(answer.get(), Object.class);
                e = new Entry(gen, now + ttlNanos, json.getBytes(StandardCharsets.UTF_8), null);
            } catch (DepotException refusal) {
                e = new Entry(gen, now + ttlNanos, null, refusal);
            }
            if (ttlNanos > 0) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.clear();
                }
                entries.put(key, e);
            }
        }
        if (e.refusal() != null) {
            throw e.refusal();
        }
        ctx.contentType("application/json").result(e.body());
    }
}
