package dev.depot.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.core.DepotException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileNamePatternTest {

    @Test
    void defaultPatternReadsTheFourGroups() {
        Map<String, String> g = FileNamePattern.of(FileNamePattern.DEFAULT)
                .match("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip").orElseThrow();

        assertThat(g).containsEntry("version", "v15.8").containsEntry("codename", "sunfish")
                .containsEntry("variant", "gapps").containsEntry("date", "20240512");
    }

    @Test
    void groupNamesWithUnderscoresSurviveTranslation() {
        FileNamePattern p = FileNamePattern.of("(?P<version>[0-9.]+)-(?P<codename>x86_64)-(?P<x86_type>[a-z_]+)"
                + "-(?P<variant>[a-z]+)-(?P<date>\\d{8})-(?P<build_number>\\d+)\\.zip");

        Map<String, String> g = p.match("15.1-x86_64-generic_pc-vanilla-20240101-42.zip").orElseThrow();

        assertThat(g).containsEntry("x86_type", "generic_pc").containsEntry("build_number", "42")
                .containsEntry("codename", "x86_64");
    }

    @Test
    void searchSemanticsLikePythonReSearch() {
        FileNamePattern p = FileNamePattern.of("(?P<codename>[a-z]+)_(?P<variant>[a-z]+)_(?P<version>\\d+)_(?P<date>\\d{8})");

        assertThat(p.match("prefix/ignored/abc_gapps_1_20240101.zip")).isPresent();
        assertThat(p.match("no match here")).isEmpty();
    }

    @Test
    void backReferencesAndLiteralParenthesesAreTranslated() {
        FileNamePattern p = FileNamePattern.of("\\(?P<x>(?P<codename>[a-z]+)-(?P<variant>[a-z]+)-(?P<version>\\d)"
                + "-(?P<date>\\d{8})-(?P=codename)[)(]");

        assertThat(p.match("(?P<x>abc-gapps-1-20240101-abc)")).isPresent();
        assertThat(p.match("(?P<x>abc-gapps-1-20240101-xyz)")).isEmpty();
    }

    @Test
    void missingRequiredGroupIsRejected() {
        assertThatThrownBy(() -> FileNamePattern.of("(?P<codename>[a-z]+)-(?P<variant>[a-z]+)-(?P<version>\\d)"))
                .isInstanceOf(DepotException.Invalid.class).hasMessageContaining("date");
    }

    @Test
    void patternThatDoesNotCompileIsRejected() {
        assertThatThrownBy(() -> FileNamePattern.of("(?P<codename>[a-z+"))
                .isInstanceOf(DepotException.Invalid.class).hasMessageContaining("does not compile");
    }

    @Test
    void keepsThePythonTextForShippy() {
        assertThat(FileNamePattern.of(FileNamePattern.DEFAULT).python()).isEqualTo(FileNamePattern.DEFAULT);
    }
}
