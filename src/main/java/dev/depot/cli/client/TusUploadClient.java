package dev.depot.cli.client;

import dev.depot.core.Sha256;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The CLI's tus 1.0 client. It remembers each upload's URL under a fingerprint of the file and
 * its destination, so running the same upload again continues from the server's offset. Every
 * chunk carries its SHA-256 ({@code Upload-Checksum}); the file's SHA-256 travels in the metadata
 * and the server checks it when the last byte arrives.
 */
public final class TusUploadClient {
    private static final int RETRIES = 5;
    private final DepotClient client;
    private final ClientConfig config;
    private final int chunkSize;

    public TusUploadClient(DepotClient client, ClientConfig config, int chunkSize) {
        this.client = client;
        this.config = config;
        this.chunkSize = chunkSize;
    }

    /** The build a finished upload became. */
    public record Result(String buildId, boolean resumed, long resumedAt) {}

    public static String sha256(Path file) throws IOException {
        return Sha256.hex(file);
    }

    public Result upload(Path file, String sha256, Map<String, String> metadata, LongConsumer progress) throws IOException {
        long size = Files.size(file);
        String fingerprint = client.server + "|" + file.toAbsolutePath() + "|" + size + "|"
                + Files.getLastModifiedTime(file).toMillis() + "|" + metadata.get("organization") + "/" + metadata.get("app")
                + "|" + sha256;
        Optional<String> known = config.uploadUrl(fingerprint);
        String url = null;
        long offset = 0;
        boolean resumed = false;
        if (known.isPresent()) {
            Optional<Long> serverOffset = head(known.get());
            if (serverOffset.isPresent()) {
                url = known.get();
                offset = serverOffset.get();
                resumed = true;
            } else {
                config.forgetUpload(fingerprint);
            }
        }
        if (url == null) {
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put("filename", file.getFileName().toString());
            meta.put("sha256", sha256);
            url = create(size, meta);
            config.rememberUpload(fingerprint, url);
        }
        long resumedAt = offset;
        progress.accept(offset);
        String buildId = null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int failures = 0;
            while (offset < size || (size == 0 && buildId == null)) {
                int n = (int) Math.min(chunkSize, size - offset);
                ByteBuffer buf = ByteBuffer.allocate(n);
                while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                    // fill the chunk
                }
                byte[] chunk = buf.array();
                try {
                    HttpResponse<String> r = patch(url, offset, chunk);
                    if (r.statusCode() == 204) {
                        offset = Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
                        buildId = r.headers().firstValue("Depot-Build-Id").orElse(buildId);
                        progress.accept(offset);
                        failures = 0;
                        if (size == 0) {
                            break;
                        }
                        continue;
                    }
                    if (r.statusCode() == 409 || r.statusCode() == 460) {
                        offset = head(url).orElseThrow(() -> new DepotClient.ClientException("the upload disappeared"));
                    } else if (r.statusCode() / 100 == 4) {
                        config.forgetUpload(fingerprint);
                        throw new DepotClient.ClientException("the server refused the upload (" + r.statusCode() + "): "
                                + r.body().strip());
                    } else {
                        throw new IOException("HTTP " + r.statusCode());
                    }
                } catch (DepotClient.ClientException e) {
                    throw e;
                } catch (IOException e) {
                    if (++failures > RETRIES) {
                        throw new DepotClient.ClientException("upload interrupted (" + e.getMessage()
                                + "); run the same command again to resume");
                    }
                    sleep(500L << failures);
                    offset = head(url).orElseThrow(() -> new DepotClient.ClientException("the upload disappeared"));
                }
                if (++failures > RETRIES) {
                    throw new DepotClient.ClientException("the upload keeps failing; run the same command again to resume");
                }
            }
        }
        config.forgetUpload(fingerprint);
        if (buildId == null) {
            throw new DepotClient.ClientException("the server did not say which build the upload became");
        }
        return new Result(buildId, resumed, resumedAt);
    }

    private String create(long size, Map<String, String> meta) throws IOException {
        StringBuilder header = new StringBuilder();
        for (var e : meta.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!header.isEmpty()) {
                header.append(',');
            }
            header.append(e.getKey()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = client.send(client.request("/v1/uploads").header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(size)).header("Upload-Metadata", header.toString())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new DepotClient.ClientException("cannot start the upload (" + r.statusCode() + "): " + r.body().strip());
        }
        return r.headers().firstValue("Location").orElseThrow(() -> new DepotClient.ClientException("no Location in the answer"));
    }

    private Optional<Long> head(String url) throws IOException {
        HttpResponse<Void> r = client.send(client.request(url).header("Tus-Resumable", "1.0.0")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            return Optional.empty();
        }
        return r.headers().firstValue("Upload-Offset").map(Long::parseLong);
    }

    private HttpResponse<String> patch(String url, long offset, byte[] chunk) throws IOException {
        String checksum;
        try {
            checksum = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(chunk));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return client.send(client.request(url).header("Tus-Resumable", "1.0.0")
                .header("Content-Type", "application/offset+octet-stream").header("Upload-Offset", Long.toString(offset))
                .header("Upload-Checksum", "sha256 " + checksum)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.min(ms, 10_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
