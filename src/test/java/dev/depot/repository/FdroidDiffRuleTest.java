package dev.depot.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which earlier indexes get a diff to the current one: all but those from which most of a large index changed. */
class FdroidDiffRuleTest {
    @Test
    void aSmallChangeAlwaysHasADiff() {
        assertThat(FdroidExport.worthADiff(1, 1)).as("the one package of a repository of one").isTrue();
        assertThat(FdroidExport.worthADiff(1_000, 1_000)).as("every package, up to a thousand").isTrue();
        assertThat(FdroidExport.worthADiff(1, 100_000)).isTrue();
    }

    @Test
    void aChangeOfMostOfALargeIndexHasNone() {
        assertThat(FdroidExport.worthADiff(1_001, 4_003)).isFalse();
        assertThat(FdroidExport.worthADiff(1_001, 4_004)).as("a quarter of the index").isTrue();
        assertThat(FdroidExport.worthADiff(90_000, 100_000)).isFalse();
        assertThat(FdroidExport.worthADiff(25_000, 100_000)).isTrue();
    }
}
