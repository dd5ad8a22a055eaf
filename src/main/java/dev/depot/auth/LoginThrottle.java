package dev.depot.auth;

import dev.depot.core.DepotException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per key (a username, a client address) in a sliding window. Once a key
 * has {@code maxFailures} failures inside the window, attempts are refused until the oldest
 * failure leaves it. Kept in memory: each node throttles on its own.
 */
final class LoginThrottle {
    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    LoginThrottle(Clock clock, int maxFailures, Duration window) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
    }

    /** Throws {@link DepotException.Throttled} when any of the keys is over its limit. */
    void check(String... keys) {
        long now = clock.millis();
        long wait = 0;
        for (String key : keys) {
            Deque<Long> q = failures.get(key);
            if (q == null) {
                continue;
            }
            synchronized (q) {
                prune(q, now);
                if (q.size() >= maxFailures) {
                    wait = Math.max(wait, q.peekFirst() + window.toMillis() - now);
                }
            }
        }
        if (wait > 0) {
            throw new DepotException.Throttled(Math.max(1, (wait + 999) / 1000));
        }
    }

    void recordFailure(String... keys) {
        long now = clock.millis();
        for (String key : keys) {
            Deque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (q) {
                prune(q, now);
                q.addLast(now);
            }
        }
        if (failures.size() > 100_000) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    void clear(String key) {
        failures.remove(key);
    }

    private void prune(Deque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - window.toMillis()) {
            q.removeFirst();
        }
    }
}
