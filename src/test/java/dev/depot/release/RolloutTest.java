package dev.depot.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.core.DepotException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bucketing of staged releases: deterministic, monotonic in the percentage, close to the share asked for. */
class RolloutTest {
    private static final int KEYS = 100_000;

    private static String key(int i) {
        return "installation:" + Integer.toHexString(i * 0x9E3779B1) + "-" + i;
    }

    @Test
    void raisingThePercentageOnlyEverAddsDevicesOver100000Keys() {
        long release = 42;
        int[] buckets = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            buckets[i] = Rollout.bucket(key(i), release);
            assertThat(buckets[i]).isBetween(0, Rollout.ALL - 1);
        }
        Random random = new Random(7);
        int previous = 0;
        boolean[] reached = new boolean[KEYS];
        while (previous < Rollout.ALL) {
            int next = Math.min(Rollout.ALL, previous + 1 + random.nextInt(1500));
            int count = 0;
            for (int i = 0; i < KEYS; i++) {
                boolean now = buckets[i] < next;
                assertThat(!reached[i] || now).as("key %d left the rollout when it rose to %d bp", i, next).isTrue();
                reached[i] = now;
                count += now ? 1 : 0;
            }
            // within 1 % of all keys of the share asked for (the binomial spread at 100,000 keys is ~0.16 %)
            assertThat(Math.abs(count - (long) KEYS * next / Rollout.ALL)).as("devices at %d bp", next).isLessThan(KEYS / 100);
            previous = next;
        }
        for (boolean r : reached) {
            assertThat(r).isTrue();
        }
    }

    @Test
    void aDeviceAskingTwiceGetsTheSameAnswerAndEachReleasePicksItsOwnDevices() {
        int same = 0;
        for (int i = 0; i < 10_000; i++) {
            assertThat(Rollout.bucket(key(i), 1)).isEqualTo(Rollout.bucket(key(i), 1));
            boolean inFirst = Rollout.bucket(key(i), 1) < 1000;
            boolean inSecond = Rollout.bucket(key(i), 2) < 1000;
            same += inFirst && inSecond ? 1 : 0;
        }
        // 10 % of one release and 10 % of another overlap by about 1 %, not 10 %
        assertThat(same).isBetween(50, 200);
    }

    @Test
    void unchangedUpdatersBucketedByAddressAndAgentGetCloseToThePercentage() {
        // 10,000 phones, each its own address, a handful of User-Agents (the Dalvik agent names the model)
        String[] agents = {"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 4a Build/UQ1A.240105.004)",
                "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 4a Build/TQ3A.230901.001)"};
        for (int bp : new int[] {100, 1000, 5000}) {
            int reached = 0;
            for (int i = 0; i < 10_000; i++) {
                String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                reached += Rollout.bucket("derived:" + address + "|" + agents[i % 2], 9) < bp ? 1 : 0;
            }
            assertThat(Math.abs(reached - bp)).as("phones reached at %d bp", bp).isLessThan(150);
        }
    }

    @Test
    void percentagesAreReadWithTwoDecimalsAtMost() {
        assertThat(Rollout.basisPoints("12.5")).isEqualTo(1250);
        assertThat(Rollout.basisPoints("100")).isEqualTo(Rollout.ALL);
        assertThat(Rollout.basisPoints("0.01")).isEqualTo(1);
        for (String bad : new String[] {"-1", "100.01", "0.001", "ten", ""}) {
            assertThatThrownBy(() -> Rollout.basisPoints(bad)).as(bad).isInstanceOf(DepotException.Invalid.class);
        }
    }
}
