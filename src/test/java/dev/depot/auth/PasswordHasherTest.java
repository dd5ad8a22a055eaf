package dev.depot.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.password4j.Argon2Function;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    @Test
    void theTimingEqualiserCostsWhatARealHashCosts() {
        PasswordHasher hasher = new PasswordHasher();
        Argon2Function real = Argon2Function.getInstanceFromHash(hasher.hash("a real password"));
        Argon2Function dummy = Argon2Function.getInstanceFromHash(PasswordHasher.DUMMY);
        assertThat(dummy.getMemory()).isEqualTo(real.getMemory());
        assertThat(dummy.getIterations()).isEqualTo(real.getIterations());
        assertThat(dummy.getParallelism()).isEqualTo(real.getParallelism());
        assertThat(dummy.getVariant()).isEqualTo(real.getVariant());
        assertThat(hasher.verify("depot-timing-equaliser", PasswordHasher.DUMMY)).isTrue();
        assertThat(hasher.verify("anything", null)).isFalse();
    }
}
