package dev.depot.inspect;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the readers that see hostile bytes: the binary manifest decoder and the
 * property-list reader. Each input must end in facts or an {@link InspectionException}, nothing
 * else (no other exception, no OutOfMemoryError, no hang). In {@code ./mvnw verify} these run as
 * regression tests over the seed corpus in {@code src/test/resources/.../ParserFuzzTestInputs};
 * {@code JAZZER_FUZZ=1 ./mvnw test -Dtest=ParserFuzzTest} fuzzes for real.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void binaryManifest(byte[] data) {
        try {
            ApkInspector.decodeManifest(data, null);
        } catch (InspectionException expected) {
            // a clear refusal is the right answer to garbage
        }
    }

    @FuzzTest(maxDuration = "60s")
    void propertyList(byte[] data) {
        try {
            PlistReader.dictionary(data, "fuzz.plist");
        } catch (InspectionException expected) {
            // a clear refusal is the right answer to garbage
        }
    }

    @FuzzTest(maxDuration = "60s")
    void provisioningProfile(byte[] data) {
        try {
            IpaInspector.provisioning(data);
        } catch (InspectionException expected) {
            // a clear refusal is the right answer to garbage
        }
    }
}
