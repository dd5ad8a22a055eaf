package dev.depot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void readsDurationsAsPeopleWriteThemAndZeroWithoutAUnit() {
        assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse(" 15m ")).isEqualTo(Duration.ofMinutes(15));
        assertThat(DurationText.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("0")).as("as the settings that say '0 disables' are written").isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("0s")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> DurationText.parse("5")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'5'");
    }
}
