package dev.depot.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What is made from one state of a thing (a repository's index for its state hash), one value per
 * thing: asked for a newer state, the value is made once however many ask at the same time, and
 * the value of the state it replaces is handed to {@code retire}. Asked for an older state than the
 * one kept (a request that read the thing before a change), the value is made for that request
 * alone and not kept.
 *
 * @param <S> the state a value is made from, with its id, version and hash
 */
public final class StateCache<S, V> {
    /** How a state names its thing ({@code id}), orders itself ({@code version}) and tells itself apart ({@code hash}). */
    public record Keys<S>(ToLongFunction<S> id, ToLongFunction<S> version, Function<S, String> hash) {}

    private record Slot<V>(long version, String hash, CompletableFuture<V> value) {}

    private final ConcurrentHashMap<Long, Slot<V>> slots = new ConcurrentHashMap<>();
    private final Keys<S> keys;
    private final Function<S, V> make;
    private final Consumer<V> retire;

    public StateCache(Keys<S> keys, Function<S, V> make, Consumer<V> retire) {
        this.keys = keys;
        this.make = make;
        this.retire = retire;
    }

    /** The value of {@code state}, made now if nobody has made it yet. */
    public V get(S state) {
        long id = keys.id().applyAsLong(state);
        Slot<V> mine = new Slot<>(keys.version().applyAsLong(state), keys.hash().apply(state), new CompletableFuture<>());
        Slot<V>[] replaced = newSlotHolder();
        Slot<V> slot = slots.compute(id, (k, old) -> {
            if (old != null && old.hash().equals(mine.hash()) && !old.value().isCompletedExceptionally()) {
                return old;
            }
            if (old != null && old.version() > mine.version()) {
                return old; // a newer state is kept; this older one is made below and not kept
            }
            replaced[0] = old;
            return mine;
        });
        if (slot != mine && !slot.hash().equals(mine.hash())) {
            return make.apply(state);
        }
        if (slot == mine) {
            try {
                mine.value().complete(make.apply(state));
            } catch (RuntimeException e) {
                mine.value().completeExceptionally(e);
                slots.remove(id, mine);
                throw e;
            }
            if (replaced[0] != null && !replaced[0].value().isCompletedExceptionally()) {
                replaced[0].value().thenAccept(retire);
            }
        }
        try {
            return slot.value().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Whether the value of {@code state} is made and kept. */
    public boolean made(S state) {
        Slot<V> s = slots.get(keys.id().applyAsLong(state));
        return s != null && s.hash().equals(keys.hash().apply(state)) && s.value().isDone() && !s.value().isCompletedExceptionally();
    }

    @SuppressWarnings("unchecked")
    private static <V> Slot<V>[] newSlotHolder() {
        return (Slot<V>[]) new Slot<?>[1];
    }
}
