package dev.depot.auth;

import dev.depot.core.DepotException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins in a sliding window, after OWASP's authentication guidance: first per
 * (username, client address) pair, so that one client's guesses or typos hold back that client
 * only, and the real user signs in from anywhere else; then, with {@link #WIDER} times the limit,
 * per username (guesses spread over many addresses) and per address (one address guessing many
 * names, without locking out everyone behind a shared address after a few typos). A key over its
 * limit is refused until its oldest failure leaves the window. Kept in memory: each node throttles
 * on its own.
 */
final class LoginThrottle {
    /** How many times the pair's limit a username or an address may fail before it is held back as a whole. */
    static final int WIDER = 10;
    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    LoginThrottle(Clock clock, int maxFailures, Duration window) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
    }

    private static String pair(String username, String address) {
        return "pair:" + username + "\n" + address;
    }

    /** Throws {@link DepotException.Throttled} when the pair, the username or the address is over its limit. */
    void check(String username, String address) {
        long now = clock.millis();
        long wait = Math.max(waitFor(pair(username, address), maxFailures, now),
                Math.max(waitFor("user:" + username, maxFailures * WIDER, now), waitFor("addr:" + address, maxFailures * WIDER, now)));
        if (wait > 0) {
            throw new DepotException.Throttled(Math.max(1, (wait + 999) / 1000));
        }
    }

    private long waitFor(String key, int max, long now) {
        Deque<Long> q = failures.get(key);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            prune(q, now);
            return q.size() >= max ? q.peekFirst() + window.toMillis() - now : 0;
        }
    }

    void recordFailure(String username, String address) {
        record(pair(username, address), "user:" + username, "addr:" + address);
    }

    /** A right password from this address: its pair starts afresh; what others tried on the name still counts. */
    void recordSuccess(String username, String address) {
        failures.remove(pair(username, address));
    }

    private void record(String... keys) {
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

    private void prune(Deque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - window.toMillis()) {
            q.removeFirst();
        }
    }
}
