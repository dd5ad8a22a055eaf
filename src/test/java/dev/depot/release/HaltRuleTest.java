package dev.depot.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The halt rule: the Wilson score lower bound of the failure rate among finished installs. */
class HaltRuleTest {
    @Test
    void wilsonLowerBoundMatchesTheFormula() {
        // 6 of 20: p = 0.3, lower bound 0.1455 (z = 1.96)
        assertThat(HaltRule.wilsonLowerBound(6, 20)).isCloseTo(0.1455, within(0.0005));
        assertThat(HaltRule.wilsonLowerBound(0, 100)).isCloseTo(0, within(1e-12));
        assertThat(HaltRule.wilsonLowerBound(1, 100)).isCloseTo(0.0018, within(0.0005));
        assertThat(HaltRule.wilsonLowerBound(0, 0)).isZero();
    }

    @Test
    void nothingHaltsBeforeTheMinimumOfFinishedInstalls() {
        HaltRule rule = new HaltRule(500, 20);
        assertThat(rule.breach(new Funnel(0, 0, 0, 0, 0, 19))).isEmpty();
        assertThat(rule.breach(new Funnel(0, 0, 0, 0, 0, 20))).hasValueSatisfying(why ->
                assertThat(why).startsWith("20 of 20 finished installs failed"));
    }

    /** Installs that finish one by one, failing with {@code rate}; the failures reported when the rule halted, or -1. */
    private static int failuresAtHalt(HaltRule rule, double rate, int installs, Random random) {
        long installed = 0;
        long failed = 0;
        for (int i = 0; i < installs; i++) {
            if (random.nextDouble() < rate) {
                failed++;
            } else {
                installed++;
            }
            if (rule.breach(new Funnel(0, 0, 0, 0, installed, failed)).isPresent()) {
                return (int) failed;
            }
        }
        return -1;
    }

    @Test
    void aReleaseFailingThirtyPercentHaltsWithinTwentyFailuresAndAHealthyOneNever() {
        Random random = new Random(20261202);
        int worst = 0;
        for (int run = 0; run < 1000; run++) {
            int f = failuresAtHalt(HaltRule.DEFAULT, 0.30, 10_000, random);
            assertThat(f).as("run %d halted", run).isPositive();
            worst = Math.max(worst, f);
        }
        assertThat(worst).as("most failure reports before a halt, over 1000 releases").isLessThanOrEqualTo(20);
        int falseHalts = 0;
        for (int run = 0; run < 1000; run++) {
            falseHalts += failuresAtHalt(HaltRule.DEFAULT, 0.01, 10_000, random) > 0 ? 1 : 0;
        }
        // 1 % failures under a 5 % threshold: the lower bound keeps early bad luck from halting
        assertThat(falseHalts).as("healthy releases halted, of 1000").isLessThanOrEqualTo(5);
    }
}
