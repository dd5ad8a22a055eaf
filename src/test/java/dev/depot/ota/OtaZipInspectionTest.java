package dev.depot.ota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** ROM zips uploaded through shipper's protocol get their OTA metadata read, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class OtaZipInspectionTest {
    @Parameter
    Backend backend;
    TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    static byte[] otaZip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("META-INF/com/android/metadata"));
            z.write("ota-type=AB\npost-build=google/sunfish/sunfish:14/UQ1A/1:user/release-keys\npost-timestamp=1715472000\npre-device=sunfish\n"
                    .getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("payload_properties.txt"));
            z.write("FILE_HASH=abc=\nFILE_SIZE=123\nMETADATA_HASH=def=\nMETADATA_SIZE=45\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("payload.bin"));
            z.write(new byte[4096]);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    private JsonNode factsOf(OtaFixture f, long id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonNode b = Json.parse(server.get("/v1/builds/" + id, "Authorization", "Bearer " + f.adminToken).body()).get("data");
            if (b.get("facts").size() > 0) {
                return b.get("facts");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no facts recorded for build " + id);
    }

    @Test
    void theOtaMetadataOfAnUploadedRomIsRecorded() throws Exception {
        server = TestServer.start(backend);
        OtaFixture f = new OtaFixture(server);

        long id = f.upload("Bliss-v20.0-sunfish-OFFICIAL-gapps-20250101.zip", otaZip());

        JsonNode facts = factsOf(f, id);
        assertThat(facts.get("abUpdate").asBoolean()).isTrue();
        assertThat(facts.get("metadata").get("pre-device").asText()).isEqualTo("sunfish");
        assertThat(facts.get("payloadProperties").get("FILE_SIZE").asText()).isEqualTo("123");
    }

    @Test
    void aZipWithoutOtaMetadataStaysABuildAndSaysWhy() throws Exception {
        server = TestServer.start(backend);
        OtaFixture f = new OtaFixture(server);

        long id = f.upload("Bliss-v20.1-sunfish-OFFICIAL-gapps-20250101.zip", OtaFixture.randomBytes(5000, 1));

        assertThat(factsOf(f, id).get("inspectionError").asText()).contains("not a ZIP archive");
        assertThat(server.get("/api/v1/updater/los/sunfish/gapps/").body()).contains("Bliss-v20.1");
    }
}
