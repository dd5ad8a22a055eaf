package dev.depot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StateCacheTest {
    record State(long id, long version, String hash) {}

    private static final StateCache.Keys<State> KEYS = new StateCache.Keys<>(State::id, State::version, State::hash);

    private final AtomicInteger made = new AtomicInteger();
    private final List<String> retired = Collections.synchronizedList(new ArrayList<>());

    @Test
    void manyAskingForOneStateAtOnceMakeItOnce() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        StateCache<State, String> cache = new StateCache<>(KEYS, s -> {
            made.incrementAndGet();
            try {
                slow.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "index of " + s.hash();
        }, retired::add);
        State s = new State(1, 1, "a");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cache.get(s)));
            }
            Thread.sleep(100);
            assertThat(cache.made(s)).isFalse();
            slow.countDown();
            for (Future<String> f : answers) {
                assertThat(f.get()).isEqualTo("index of a");
            }
        }
        assertThat(made).hasValue(1);
        assertThat(cache.made(s)).isTrue();
    }

    @Test
    void aNewerStateReplacesAndRetiresTheOldAndAnOlderOneIsNotKept() {
        StateCache<State, String> cache = new StateCache<>(KEYS, s -> {
            made.incrementAndGet();
            return s.hash();
        }, retired::add);
        cache.get(new State(1, 1, "a"));
        cache.get(new State(1, 2, "b"));
        assertThat(retired).containsExactly("a");
        assertThat(cache.get(new State(1, 1, "a"))).isEqualTo("a"); // a request that read the older state
        assertThat(cache.made(new State(1, 2, "b"))).isTrue();
        assertThat(cache.get(new State(1, 2, "b"))).isEqualTo("b");
        assertThat(made).hasValue(3);
        cache.get(new State(2, 1, "c")); // another thing is kept beside it
        assertThat(cache.made(new State(1, 2, "b"))).isTrue();
        assertThat(retired).containsExactly("a");
    }

    @Test
    void aFailureIsNotKeptAndTheNextAskTriesAgain() {
        AtomicInteger tries = new AtomicInteger();
        StateCache<State, String> cache = new StateCache<>(KEYS, s -> {
            if (tries.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
            }
            return "ok";
        }, retired::add);
        State s = new State(1, 1, "a");
        assertThatThrownBy(() -> cache.get(s)).isInstanceOf(IllegalStateException.class).hasMessage("database away");
        assertThat(cache.made(s)).isFalse();
        assertThat(cache.get(s)).isEqualTo("ok");
        assertThat(retired).isEmpty();
    }
}
