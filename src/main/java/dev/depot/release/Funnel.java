package dev.depot.release;

/**
 * How many installations reached each step of a release, each counted once: the aggregates kept
 * for as long as the release is, whatever happens to the reports they came from.
 */
public record Funnel(long offered, long downloading, long downloaded, long installing, long installed, long failed) {
    public static final Funnel EMPTY = new Funnel(0, 0, 0, 0, 0, 0);

    /** Installs that ended, one way or the other: what the failure rate is a share of. */
    public long finished() {
        return installed + failed;
    }
}
