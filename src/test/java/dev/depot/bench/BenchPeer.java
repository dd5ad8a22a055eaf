package dev.depot.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the in-process benchmarks share: the median time of a GET, and the peer's figure for the
 * same bytes. With {@code -Dbench.peer.dir} and {@code -Dbench.peer.url} (bench/run.sh passes the
 * root and address of its nginx), the bytes Depot served are written under that root and fetched
 * from nginx the same way, so both figures come from one client in one run.
 */
final class BenchPeer {
    private BenchPeer() {}

    /** Median milliseconds of 21 GETs (after 3 not counted); each answer must be 200 with {@code length} bytes. */
    static double medianMs(HttpClient http, HttpRequest request, int length) throws IOException, InterruptedException {
        double[] ms = new double[21];
        for (int i = -3; i < ms.length; i++) {
            long s = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length != length) {
                throw new IllegalStateException("unexpected answer from " + request.uri() + ": " + r.statusCode());
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** The peer's median for the same bytes, or NaN when no peer was given. */
    static double peerMedianMs(HttpClient http, String name, byte[] bytes) throws IOException, InterruptedException {
        String dir = System.getProperty("bench.peer.dir");
        String url = System.getProperty("bench.peer.url");
        if (dir == null || url == null) {
            return Double.NaN;
        }
        Path file = Path.of(dir, name);
        Files.write(file, bytes);
        file.toFile().setReadable(true, false);
        return medianMs(http, HttpRequest.newBuilder(URI.create(url + "/" + name)).build(), bytes.length);
    }

    /** One line bench/run.sh reads: {@code RESULT key=value ...}. */
    static void result(Map<String, Double> figures) {
        System.out.println("RESULT " + figures.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.3f", e.getValue()))
                .collect(Collectors.joining(" ")));
    }
}
