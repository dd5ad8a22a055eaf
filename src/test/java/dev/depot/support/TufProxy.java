package dev.depot.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A man in the middle between TUF clients and Depot: it forwards every request, except the paths
 * told to answer otherwise: other bytes (an older or tampered file), the real bytes padded past
 * their declared length, or bytes without end.
 */
public final class TufProxy implements AutoCloseable {
    private final HttpServer server;
    private final String upstream;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, byte[]> replaced = new ConcurrentHashMap<>();
    private final Map<String, Integer> padded = new ConcurrentHashMap<>();
    private final Map<String, Boolean> endless = new ConcurrentHashMap<>();

    public TufProxy(String upstream) throws IOException {
        this.upstream = upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The proxy's address, with the same paths as Depot's. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers {@code path} with {@code bytes} instead of Depot's. */
    public void replace(String path, byte[] bytes) {
        replaced.put(path, bytes);
    }

    /** Answers {@code path} with Depot's bytes and {@code extra} spaces after them. */
    public void pad(String path, int extra) {
        padded.put(path, extra);
    }

    /** Answers {@code path} with bytes that never end, until the client hangs up. */
    public void endless(String path) {
        endless.put(path, true);
    }

    public void reset() {
        replaced.clear();
        padded.clear();
        endless.clear();
    }

    /** Depot's own bytes at {@code path}. */
    public byte[] fetch(String path) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(upstream + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        try (ex) {
            if (endless.containsKey(path)) {
                ex.sendResponseHeaders(200, 0);
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) ' ');
                block[0] = '{';
                try (OutputStream out = ex.getResponseBody()) {
                    for (long sent = 0; sent < (1L << 34); sent += block.length) {
                        out.write(block);
                        block[0] = ' ';
                    }
                } catch (IOException e) {
                    // the client hung up, as it should
                }
                return;
            }
            byte[] body = replaced.get(path);
            int status = 200;
            if (body == null) {
                HttpResponse<byte[]> r;
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create(upstream + path)).timeout(Duration.ofSeconds(20)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                status = r.statusCode();
                body = r.body();
                Integer extra = padded.get(path);
                if (extra != null && status == 200) {
                    byte[] more = Arrays.copyOf(body, body.length + extra);
                    Arrays.fill(more, body.length, more.length, (byte) ' ');
                    body = more;
                }
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
