package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.auth.Scope;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** A server with devices, variants and a maintainer, and a way to upload builds as shippy does. */
public final class OtaFixture {
    public final TestServer server;
    public final String adminToken;
    public final String maintainerToken;
    public final String outsiderToken;
    public final ShippyClient shippy;

    public OtaFixture(TestServer server) {
        this.server = server;
        var ota = server.depot().ota();
        adminToken = server.userWithToken("root", true, Scope.ADMIN);
        maintainerToken = server.userWithToken("maint", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        outsiderToken = server.userWithToken("outsider", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        ota.devices().addDevice("sunfish", "Pixel 4a", "Google");
        ota.devices().addDevice("x86_64", "Generic PC", "Intel");
        ota.devices().addDevice("hidden", "Prototype", "Acme");
        ota.devices().updateDevice("hidden", null, null, null, false, null, null);
        ota.devices().addVariant("gapps", "With Google apps", null);
        ota.devices().addVariant("vanilla", "Without Google apps", "UNOFFICIAL");
        ota.devices().addX86Type("generic", "Generic x86_64");
        ota.devices().addMaintainer("sunfish", "maint");
        ota.devices().addMaintainer("x86_64", "maint");
        ota.devices().updateDevice("sunfish", null, null, null, null, "Stable builds", null);
        server.depot().auth().updateProfile("maint", "Mai Ntainer", "Builds ROMs", "", "https://example.org/maint", true);
        shippy = new ShippyClient(server, maintainerToken);
    }

    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads a whole file in shippy's 1,000,000-byte chunks and finalizes it; returns the build id. */
    public long upload(String fileName, byte[] data) {
        String id = uploadChunks(fileName, data);
        HttpResponse<String> done = shippy.finalizeUpload(id, sha256(data));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        return Json.parse(done.body()).get("build_id").asLong();
    }

    /** Sends every chunk and returns the upload id, without finalizing. */
    public String uploadChunks(String fileName, byte[] data) {
        String id = null;
        for (int start = 0; start < data.length; start += ShippyClient.CHUNK_SIZE) {
            byte[] chunk = java.util.Arrays.copyOfRange(data, start, Math.min(data.length, start + ShippyClient.CHUNK_SIZE));
            HttpResponse<String> r = shippy.putChunk(id, fileName, chunk, start, data.length);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = Json.parse(r.body());
            id = body.get("id").asText();
            assertThat(body.get("offset").asLong()).isEqualTo(start + chunk.length);
        }
        return id;
    }
}
