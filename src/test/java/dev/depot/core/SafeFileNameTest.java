package dev.depot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFileNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "a/b.zip", "a\\b.zip", "nul\u0000.zip", "line\nbreak.zip", "..", "",
            " ", "tab\t.zip", "del\u007f.zip"})
    void rejectsTraversalSeparatorsAndControlCharacters(String name) {
        assertThatThrownBy(() -> new SafeFileName(name)).isInstanceOf(DepotException.Invalid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lineage-21.0-20240101-nightly-sunfish-signed.zip", "Ünïcødé build.zip", "a.b-c_d"})
    void acceptsOrdinaryNames(String name) {
        assertThat(new SafeFileName(name).value()).isEqualTo(name);
    }
}
