package dev.depot.release;

/**
 * A build released to a channel: the share of the channel's devices it is offered to
 * ({@code basisPoints}, 10,000 = every device), its state, whether it may be offered to a device
 * that runs something newer ({@code allowDowngrade}), the halt rule it is held to, and its funnel.
 */
public record Release(long id, Channel channel, long buildId, ReleaseState state, int basisPoints, boolean allowDowngrade,
                      HaltRule haltRule, String haltReason, Long haltedAt, long createdAt, long updatedAt, Funnel funnel,
                      long ruleInstalledFrom, long ruleFailedFrom) {

    /** The percentage offered, as people write it: 12.5 for 1,250 basis points. */
    public double percentage() {
        return basisPoints / 100.0;
    }

    /** What the halt rule judges: installs finished since a person last resumed the release. */
    public Funnel judged() {
        return new Funnel(funnel.offered(), funnel.downloading(), funnel.downloaded(), funnel.installing(),
                funnel.installed() - ruleInstalledFrom, funnel.failed() - ruleFailedFrom);
    }

    /** Whether the device with {@code deviceKey} is offered this release now. */
    public boolean offeredTo(String deviceKey) {
        return state == ReleaseState.COMPLETE
                || state == ReleaseState.ROLLING && Rollout.bucket(deviceKey, id) < basisPoints;
    }
}
