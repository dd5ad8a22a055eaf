package dev.depot.release;

import dev.depot.core.DepotException;
import java.util.Locale;
import java.util.Optional;

/**
 * When a release stops itself: once at least {@code minFinished} installs have finished
 * (installed or failed), when the Wilson score lower bound at 95 % of their failure rate is above
 * {@code thresholdBp}. Failures are divided by finished installs only, so early failures are not
 * diluted by devices still downloading; the lower bound keeps a few unlucky early failures from
 * halting a healthy release.
 */
public record HaltRule(int thresholdBp, int minFinished) {
    /** 5 % over at least 20 finished installs. */
    public static final HaltRule DEFAULT = new HaltRule(500, 20);

    /** The two-sided 95 % normal quantile. */
    private static final double Z = 1.959963984540054;

    public HaltRule {
        if (thresholdBp < 0 || thresholdBp > Rollout.ALL) {
            throw new IllegalArgumentException("threshold out of range: " + thresholdBp);
        }
        if (minFinished < 1) {
            throw new IllegalArgumentException("minFinished must be at least 1: " + minFinished);
        }
    }

    /**
     * A rule as people give it: the threshold as a percentage ("5", "2.5") and the minimum of
     * finished installs; either may be null to keep {@code current}'s.
     */
    public static HaltRule of(String thresholdPercent, String minFinished, HaltRule current) {
        int threshold = thresholdPercent == null || thresholdPercent.isBlank() ? current.thresholdBp()
                : Rollout.basisPoints(thresholdPercent);
        int min = current.minFinished();
        if (minFinished != null && !minFinished.isBlank()) {
            try {
                min = Integer.parseInt(minFinished.trim());
            } catch (NumberFormatException e) {
                min = -1;
            }
            if (min < 1 || min > 1_000_000) {
                throw new DepotException.Invalid("invalid_min_finished", "minFinished must be a whole number from 1 to 1000000.");
            }
        }
        return new HaltRule(threshold, min);
    }

    /** The Wilson score interval's lower bound of {@code failures} in {@code finished}, at 95 %. */
    public static double wilsonLowerBound(long failures, long finished) {
        if (finished <= 0) {
            return 0;
        }
        double n = finished;
        double p = failures / n;
        double z2 = Z * Z;
        double centre = p + z2 / (2 * n);
        double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return Math.max(0, (centre - spread) / (1 + z2 / n));
    }

    /** Why the funnel breaches this rule, or empty while it does not. */
    public Optional<String> breach(Funnel funnel) {
        long finished = funnel.finished();
        if (finished < minFinished) {
            return Optional.empty();
        }
        double lower = wilsonLowerBound(funnel.failed(), finished);
        if (lower * Rollout.ALL <= thresholdBp) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "%d of %d finished installs failed: the failure rate is at least %.1f %% (Wilson lower bound at 95 %%), above the threshold of %s %%.",
                funnel.failed(), finished, lower * 100, Rollout.percentText(thresholdBp)));
    }
}
