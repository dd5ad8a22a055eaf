package dev.depot.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every APK of the shared corpus against what Google's tools said about it: {@code aapt dump
 * badging} for the manifest (or its refusal), {@code apksigner verify --print-certs} for the
 * signatures.
 */
class ApkCorpusTest {
    static final Path CORPUS = Path.of("src", "test", "data", "apk");
    private final ApkInspector inspector = new ApkInspector();

    @TestFactory
    Stream<DynamicTest> everyApkAgreesWithAaptAndApksigner() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CORPUS.resolve("expected.json")),
                "the APK corpus is not at " + CORPUS.toAbsolutePath() + "; skipping");
        JsonNode expected = new ObjectMapper().readTree(CORPUS.resolve("expected.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(CORPUS.resolve(e.getKey()), e.getValue())));
        }
        assertThat(tests).hasSize(327);
        return tests.stream();
    }

    private void check(Path apk, JsonNode want) {
        JsonNode manifest = want.get("manifest");
        JsonNode signing = want.get("signing");
        if (manifest.has("error")) {
            assertThatThrownBy(() -> inspector.inspect(apk)).isInstanceOf(InspectionException.class)
                    .hasMessageNotContaining("null");
            checkSigning(ApkInspector.verifySignatures(apk), signing);
            return;
        }
        ApkFacts facts;
        try {
            facts = inspector.inspect(apk);
        } catch (InspectionException ex) {
            throw new AssertionError("refused what aapt read: " + ex.getMessage(), ex);
        }
        assertThat(facts.packageName()).isEqualTo(manifest.get("package").asText());
        assertThat(Long.toString(facts.versionCode())).isEqualTo(manifest.get("version_code").asText());
        assertThat(facts.versionName()).isEqualTo(text(manifest, "version_name"));
        assertThat(facts.minSdk() == null ? null : facts.minSdk().toString()).isEqualTo(text(manifest, "min_sdk"));
        assertThat(facts.targetSdk() == null ? null : facts.targetSdk().toString()).isEqualTo(text(manifest, "target_sdk"));
        assertThat(facts.label()).isEqualTo(text(manifest, "label"));
        assertThat(facts.permissions()).containsExactlyElementsOf(strings(manifest.get("permissions")));
        assertThat(facts.nativeAbis()).containsExactlyElementsOf(strings(manifest.get("native_code")));
        checkSigning(facts.signing(), signing);
    }

    private static void checkSigning(ApkFacts.Signing got, JsonNode want) {
        assertThat(got.verified()).as("verifies").isEqualTo(want.path("verifies").asBoolean(false));
        assertThat(got.signerCertSha256()).as("signer certificates")
                .containsExactlyElementsOf(strings(want.get("signer_cert_sha256")));
        if (want.has("v1_verified")) {
            assertThat(got.v1()).as("v1").isEqualTo(want.get("v1_verified").asBoolean());
            assertThat(got.v2()).as("v2").isEqualTo(want.get("v2_verified").asBoolean());
            assertThat(got.v3()).as("v3").isEqualTo(want.get("v3_verified").asBoolean());
        }
    }

    private static String text(JsonNode n, String field) {
        return n.has(field) ? n.get(field).asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
