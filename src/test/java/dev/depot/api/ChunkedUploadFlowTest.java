package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.ShippyClient;
import dev.depot.support.Stack;
import dev.depot.support.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole life of a ROM build over real HTTP: a multi-chunk upload that a killed client and a
 * restarted server both interrupt, resumed the way shippy resumes (by listing its uploads and
 * continuing at the offset), finalized, offered to updaters, downloaded with a resume, counted.
 */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
class ChunkedUploadFlowTest {
    @Parameter
    Stack stack;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadSurvivesAKilledClientAndAServerRestart() throws Exception {
        server = TestServer.start(stack);
        OtaFixture f = new OtaFixture(server);
        String name = "Bliss-v11.0-sunfish-OFFICIAL-gapps-20241111.zip";
        byte[] data = OtaFixture.randomBytes(5_500_000, 60);
        int chunk = ShippyClient.CHUNK_SIZE;

        // two chunks, then the client dies in the middle of the third
        HttpResponse<String> first = f.shippy.putChunk(null, name, Arrays.copyOfRange(data, 0, chunk), 0, data.length);
        String id = Json.parse(first.body()).get("id").asText();
        f.shippy.putChunk(id, name, Arrays.copyOfRange(data, chunk, 2 * chunk), chunk, data.length);
        sendHalfAChunkAndHangUp(f.maintainerToken, id, name, Arrays.copyOfRange(data, 2 * chunk, 3 * chunk), 2 * chunk, data.length);
        assertThat(offsetOf(f, name)).isEqualTo(2L * chunk);

        // a new client resumes from the listed offset; the server restarts after another chunk
        ShippyClient resumed = new ShippyClient(server, f.maintainerToken);
        long offset = offsetOf(f, name);
        assertThat(resumed.putChunk(id, name, Arrays.copyOfRange(data, (int) offset, (int) offset + chunk), offset,
                data.length).statusCode()).isEqualTo(200);
        server.restart();
        ShippyClient afterRestart = new ShippyClient(server, f.maintainerToken);
        offset = offsetOf(f, name);
        assertThat(offset).isEqualTo(3L * chunk);
        while (offset < data.length) {
            int end = (int) Math.min(data.length, offset + chunk);
            HttpResponse<String> r = afterRestart.putChunk(id, name, Arrays.copyOfRange(data, (int) offset, end), offset, data.length);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            offset = end;
        }
        HttpResponse<String> done = afterRestart.finalizeUpload(id, OtaFixture.sha256(data));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        long buildId = Json.parse(done.body()).get("build_id").asLong();

        // the build is offered everywhere
        JsonNode entry = Json.parse(server.get("/api/v1/updater/los/sunfish/gapps/").body()).get("response").get(0);
        assertThat(entry.get("id").asText()).isEqualTo(OtaFixture.sha256(data));
        assertThat(entry.get("size").asLong()).isEqualTo(data.length);
        assertThat(Json.parse(server.get("/api/v1/general/build/latest/sunfish/gapps/").body()).get("sha256").asText())
                .isEqualTo(OtaFixture.sha256(data));
        assertThat(Json.parse(server.get("/api/v1/general/device/all/").body()).get("sunfish").get("variants").get(0).asText())
                .isEqualTo("gapps");

        // a phone downloads, is cut off, and resumes with Range
        long dayBefore = Json.parse(server.get("/api/v1/download/count/day/").body()).get("count").asLong();
        String url = entry.get("url").asText();
        byte[] head;
        try (var in = server.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
            head = in.readNBytes(2_000_000);
        }
        HttpResponse<byte[]> rest = server.send(HttpRequest.newBuilder(URI.create(url))
                .header("Range", "bytes=" + head.length + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(rest.statusCode()).isEqualTo(206);
        byte[] whole = new byte[data.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(rest.body(), 0, whole, head.length, rest.body().length);
        assertThat(whole).isEqualTo(data);
        assertThat(Json.parse(server.get("/api/v1/download/count/day/").body()).get("count").asLong()).isEqualTo(dayBefore + 1);
        assertThat(Json.parse(server.get("/api/v1/download/count/all/").body()).get("count").asLong()).isEqualTo(dayBefore + 1);
        assertThat(server.depot().ota().builds().build(buildId)).isPresent();

        // nothing is left in staging
        try (var staged = Files.list(server.dataDir().resolve("uploads"))) {
            assertThat(staged.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString)).noneMatch(p -> p.contains(id));
        }
    }

    private long offsetOf(OtaFixture f, String name) {
        for (JsonNode n : Json.parse(f.shippy.list().body())) {
            if (n.get("filename").asText().equals(name)) {
                return n.get("offset").asLong();
            }
        }
        throw new AssertionError("no upload named " + name);
    }

    /** Writes the request headers and half of the multipart body, then closes the socket. */
    private void sendHalfAChunkAndHangUp(String token, String id, String name, byte[] chunk, long start, long total) throws Exception {
        String boundary = "b0undary";
        byte[] prefix = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n" + name + "\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] suffix = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = prefix.length + chunk.length + suffix.length;
        URI uri = URI.create(server.url("/api/v1/maintainers/chunked_upload/" + id + "/"));
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Token " + token
                    + "\r\nContent-Range: bytes " + start + "-" + (start + chunk.length - 1) + "/" + total
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(prefix);
            out.write(chunk, 0, chunk.length / 2);
            out.flush();
        }
        Thread.sleep(300); // let the server notice the hang-up
    }
}
