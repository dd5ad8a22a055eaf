package dev.depot.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.delivery.ByteRange.Request;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void absentOrMalformedMeansWhole() {
        assertThat(ByteRange.parse(null, 100)).isInstanceOf(Request.Whole.class);
        assertThat(ByteRange.parse("items=0-5", 100)).isInstanceOf(Request.Whole.class);
        assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isInstanceOf(Request.Whole.class);
        assertThat(ByteRange.parse("bytes=9-3", 100)).isInstanceOf(Request.Whole.class);
    }

    @Test
    void closedOpenAndSuffixRanges() {
        assertThat(ByteRange.parse("bytes=10-19", 100)).isEqualTo(new Request.Partial(new ByteRange(10, 19)));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new Request.Partial(new ByteRange(90, 99)));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new Request.Partial(new ByteRange(90, 99)));
        assertThat(ByteRange.parse("bytes=-500", 100)).isEqualTo(new Request.Partial(new ByteRange(0, 99)));
        assertThat(ByteRange.parse("bytes=50-1000", 100)).isEqualTo(new Request.Partial(new ByteRange(50, 99)));
    }

    /** RFC 9110 §14.1.2: a last position past the end, however large, means "to the end". */
    @Test
    void aLastPositionBeyondALongStillMeansToTheEnd() {
        assertThat(ByteRange.parse("bytes=0-9223372036854775808", 100)).isEqualTo(new Request.Partial(new ByteRange(0, 99)));
        assertThat(ByteRange.parse("bytes=7-99999999999999999999999", 100)).isEqualTo(new Request.Partial(new ByteRange(7, 99)));
        assertThat(ByteRange.parse("bytes=-99999999999999999999999", 100)).isEqualTo(new Request.Partial(new ByteRange(0, 99)));
    }

    @Test
    void startPastEndIsUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=100-", 100)).isInstanceOf(Request.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-0", 100)).isInstanceOf(Request.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=99999999999999999999-", 100)).isInstanceOf(Request.Unsatisfiable.class);
    }
}
