package dev.depot.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Speaks to Depot exactly as shippy 2.43 does over HTTP: a multipart PUT per chunk with a
 * {@code filename} field and a {@code file} part (named "file", as Python requests names bytes),
 * {@code Content-Range: bytes START-END/TOTAL} with END inclusive, then a form POST of the
 * checksum to the upload's URL.
 */
public final class ShippyClient {
    public static final int CHUNK_SIZE = 1_000_000;
    private final TestServer server;
    private final String token;

    public ShippyClient(TestServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** PUT one chunk; {@code uploadId} null for the first. */
    public HttpResponse<String> putChunk(String uploadId, String fileName, byte[] data, long start, long total) {
        String path = "/api/v1/maintainers/chunked_upload/" + (uploadId == null ? "" : uploadId + "/");
        String range = "bytes " + start + "-" + (start + data.length - 1) + "/" + total;
        return putMultipart(path, fileName, data, range);
    }

    public HttpResponse<String> putMultipart(String path, String fileName, byte[] data, String contentRange) {
        String boundary = UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n" + fileName + "\r\n");
        if (data != null) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n");
            body.writeBytes(data);
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("User-Agent", "shippy 2.43.0")
                .header("Authorization", "Token " + token);
        if (contentRange != null) {
            b.header("Content-Range", contentRange);
        }
        return server.send(b);
    }

    public HttpResponse<String> finalizeUpload(String uploadId, String sha256) {
        return server.postForm("/api/v1/maintainers/chunked_upload/" + uploadId + "/",
                java.util.Map.of("sha256", sha256), "Authorization", "Token " + token);
    }

    public HttpResponse<String> list() {
        return server.get("/api/v1/maintainers/chunked_upload/", "Authorization", "Token " + token);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
