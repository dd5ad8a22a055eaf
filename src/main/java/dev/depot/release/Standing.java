package dev.depot.release;

/**
 * Where one installation stands with one release: the steps it reached (a bit each), its last
 * step and progress, whether it failed (and why), and whether the device acknowledged that the
 * release was withdrawn while it was at it.
 */
public record Standing(long installationId, long releaseId, int steps, ReportStep lastStep, Integer progress,
                       String failureReason, boolean failed, boolean cancelled, long updatedAt) {
    /** Whether the install ended: installed, failed, or withdrawn and acknowledged. */
    public boolean finished() {
        return lastStep.finishes() || cancelled;
    }
}
