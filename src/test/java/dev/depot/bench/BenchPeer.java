package dev.depot.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the in-process benchmarks share: the median time of a GET, and Depot beside its peer for the
 * same bytes. With {@code -Dbench.peer.dir} and {@code -Dbench.peer.url} (bench/run.sh passes the
 * root and address of its nginx), the bytes Depot served are written under that root and both are
 * fetched by one client in one run, interleaved: warm-up GETs of both not counted, then pairs of
 * rounds (Depot, nginx, Depot, nginx, ...), the median of each round, the ratio of each pair and
 * the medians of all.
 */
final class BenchPeer {
    private static final int ROUND = 21;
    private static final int PAIRS = 5;
    private static final int WARM_UP = 200;

    private BenchPeer() {}

    /** Median milliseconds of 21 GETs (after 3 not counted); each answer must be 200 with {@code length} bytes. */
    private static double medianMs(HttpClient http, HttpRequest request, int length) throws IOException, InterruptedException {
        get(http, request, length, 3);
        return round(http, request, length);
    }

    /**
     * Depot's request beside the peer serving {@code bytes} as {@code name}, as figures for
     * {@link #result}: {@code KEY_ms} (Depot's median), {@code peer_KEY_ms} and
     * {@code KEY_pair_1..5} (peer / Depot per pair, above 1 when Depot is faster); Depot's alone
     * when no peer was given.
     */
    static Map<String, Double> beside(HttpClient http, HttpRequest request, String name, byte[] bytes, String key)
            throws IOException, InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>();
        String dir = System.getProperty("bench.peer.dir");
        String url = System.getProperty("bench.peer.url");
        if (dir == null || url == null) {
            figures.put(key + "_ms", medianMs(http, request, bytes.length));
            return figures;
        }
        Path file = Path.of(dir, name);
        Files.write(file, bytes);
        file.toFile().setReadable(true, false);
        HttpRequest peer = HttpRequest.newBuilder(URI.create(url + "/" + name)).build();
        get(http, request, bytes.length, WARM_UP);
        get(http, peer, bytes.length, WARM_UP);
        double[] depot = new double[PAIRS];
        double[] nginx = new double[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            depot[i] = round(http, request, bytes.length);
            nginx[i] = round(http, peer, bytes.length);
            figures.put(key + "_pair_" + (i + 1), nginx[i] / depot[i]);
        }
        figures.put(key + "_ms", median(depot));
        figures.put("peer_" + key + "_ms", median(nginx));
        return figures;
    }

    private static double round(HttpClient http, HttpRequest request, int length) throws IOException, InterruptedException {
        double[] ms = new double[ROUND];
        for (int i = 0; i < ms.length; i++) {
            long s = System.nanoTime();
            get(http, request, length, 1);
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        return median(ms);
    }

    private static void get(HttpClient http, HttpRequest request, int length, int times) throws IOException, InterruptedException {
        for (int i = 0; i < times; i++) {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length != length) {
                throw new IllegalStateException("unexpected answer from " + request.uri() + ": " + r.statusCode());
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One line bench/run.sh reads: {@code RESULT key=value ...}. */
    static void result(Map<String, Double> figures) {
        System.out.println("RESULT " + figures.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.3f", e.getValue()))
                .collect(Collectors.joining(" ")));
    }
}
