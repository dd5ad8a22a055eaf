package dev.depot.feed;

import dev.depot.storage.BlobHolds;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the feed has received: every distinct APK enters once, in the 5-minute window in which
 * Depot first held all its bytes, and the window holds the APK's bytes until the receipt goes.
 * Receiving locks the window's row, as sealing does, so a receipt that would land in a window
 * already sealed (a late commit, a node with a slow clock) joins the next open window instead: a
 * sealed package never changes and no APK is lost.
 */
public final class FeedReceipts {
    public static final Duration AVAILABLE = Duration.ofDays(7);

    private final FeedRepository repository;
    private final BlobHolds holds;
    private final Clock clock;

    public FeedReceipts(FeedRepository repository, BlobHolds holds, Clock clock) {
        this.repository = repository;
        this.holds = holds;
        this.clock = clock;
    }

    /** The name under which a window's receipts hold their samples' bytes. */
    static String sampleHolder(long window) {
        return "feed-sample:" + window;
    }

    /**
     * Records that Depot received an APK completely; does nothing when it was received before.
     *
     * @return true when this was the first receipt
     */
    public boolean receive(String sha256, long size, String md5, String sha1, String packageName, Long versionCode,
                           String versionName) {
        long now = clock.millis();
        return repository.inTransaction(h -> {
            if (repository.received(h, sha256)) {
                return false;
            }
            long window = FeedPackageName.windowOf(now);
            while (repository.lockWindow(h, window)) {
                window += FeedPackageName.FIVE_MINUTES; // sealed already: the receipt joins the next window
            }
            holds.hold(h, sha256, sampleHolder(window));
            return repository.insertReceipt(h, new FeedReceipt(sha256, window, Math.max(now, window), size, md5, sha1,
                    packageName, versionCode, versionName));
        });
    }

    /** Adds what inspection learned about an APK already in the feed (these fields are not in the zip). */
    public void describe(String sha256, String sha1, String packageName, Long versionCode, String versionName) {
        repository.describe(sha256, sha1, packageName, versionCode, versionName);
    }

    public Optional<FeedReceipt> receipt(String sha256) {
        return repository.receipt(sha256);
    }

    /** Sample counts of every 5-minute window still available, oldest first (windows without samples included). */
    public Map<Long, Integer> availableWindows() {
        long now = clock.millis();
        long last = FeedPackageName.lastClosed(now).start();
        long first = FeedPackageName.windowOf(now - AVAILABLE.toMillis()) + FeedPackageName.FIVE_MINUTES;
        Map<Long, Integer> counts = new TreeMap<>();
        for (long w = first; w <= last; w += FeedPackageName.FIVE_MINUTES) {
            counts.put(w, 0);
        }
        repository.receiptCounts(first, last, counts::put);
        return counts;
    }

    public void countDownload(String sha256) {
        repository.countDownload(sha256, clock.millis());
    }

    /** Downloads of samples within {@code period} (all time when null). */
    public long downloadsSince(Duration period) {
        return repository.downloadsSince(period == null ? Long.MIN_VALUE : clock.millis() - period.toMillis());
    }

    /**
     * Removes packages and receipts past their week (receipts a day later, for the downloads of
     * the last packages); their bytes go unless something else holds them (a build keeps its APK).
     * Returns the number of windows removed.
     */
    public int removeExpired() {
        long cutoff = clock.millis() - AVAILABLE.toMillis() - FeedPackageName.FIVE_MINUTES;
        long receiptCutoff = cutoff - Duration.ofDays(1).toMillis();
        List<String> released = new ArrayList<>();
        int removed = repository.inTransaction(h -> {
            for (long w : repository.windowsBefore(h, cutoff)) {
                released.addAll(holds.release(h, FeedPackages.packageHolder(w)));
            }
            for (long w : repository.receiptWindowsBefore(h, receiptCutoff)) {
                released.addAll(holds.release(h, sampleHolder(w)));
            }
            repository.deleteReceiptsBefore(h, receiptCutoff);
            return repository.deleteWindowsBefore(h, cutoff);
        });
        holds.sweep(released);
        return removed;
    }
}
