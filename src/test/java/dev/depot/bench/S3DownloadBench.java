package dev.depot.bench;

import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.ota.OtaBuild;
import dev.depot.server.DepotServer;
import dev.depot.support.S3ProxyServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Random;

/**
 * Benchmark (not a test): a 1 GiB OTA build kept in S3 (S3Proxy, in memory, in this JVM), uploaded
 * in shippy's 1,000,000-byte chunks through the bucket staging, then downloaded three ways:
 * streamed through Depot, by Depot's 302 to a presigned URL, and straight from the bucket (the
 * peer). Run with bench/s3-download-1gib.sh.
 */
public final class S3DownloadBench {
    public static void main(String[] args) throws Exception {
        long size = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
        S3ProxyServer proxy = new S3ProxyServer();
        var dir = Files.createTempDirectory("depot-bench-s3");
        Settings base = Settings.defaults().with(Setting.DATA, dir.toString()).with(Setting.PORT, "0");
        for (var e : proxy.depotSettings("bench", "false").entrySet()) {
            base = base.with(e.getKey(), e.getValue());
        }
        base = base.with(Setting.UPLOAD_MAX_BYTES, Long.toString(size + 1));
        try (DepotServer streaming = DepotServer.start(base, Clock.systemUTC());
             DepotServer redirecting = DepotServer.start(base.with(Setting.DOWNLOAD_REDIRECT, "true"), Clock.systemUTC())) {
            var depot = streaming.depot();
            var user = depot.auth().createUser("maint", "maint-password", false);
            depot.ota().devices().addDevice("sunfish", "Pixel 4a", "Google");
            depot.ota().devices().addVariant("gapps", "With Google apps", null);
            depot.ota().devices().addMaintainer("sunfish", "maint");
            Principal me = depot.auth().authenticate(depot.auth().createToken(user, "bench", EnumSet.of(Scope.UPLOAD, Scope.PUBLISH,
                    Scope.READ), null).secret());
            String name = "Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip";

            long t0 = System.nanoTime();
            var session = depot.intake().openRomUpload(me, "shipper", name, size, java.util.Map.of());
            byte[] chunk = new byte[1_000_000];
            Random random = new Random(1);
            for (long offset = 0; offset < size; offset += chunk.length) {
                int n = (int) Math.min(chunk.length, size - offset);
                random.nextBytes(chunk);
                depot.uploads().append(me, session.id(), offset, size, new java.io.ByteArrayInputStream(chunk, 0, n), n);
            }
            double received = seconds(t0);
            long t1 = System.nanoTime();
            OtaBuild build = ((dev.depot.intake.BuildIntake.Received.RomUpload) depot.intake()
                    .complete(me, "shipper", session.id(), null)).build();
            double completed = seconds(t1);
            System.out.printf("upload of %d bytes in 1,000,000-byte chunks through the bucket: chunks %.1f s, completion %.1f s%n",
                    size, received, completed);

            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            String path = "/download/builds/" + build.id() + "/" + name;
            for (int round = 1; round <= 2; round++) {
                double through = time(http, URI.create(streaming.publicUrl() + path), size);
                long r0 = System.nanoTime();
                HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(redirecting.publicUrl() + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
                URI presigned = URI.create(redirect.headers().firstValue("Location").orElseThrow());
                double redirectOnly = seconds(r0);
                double viaRedirect = redirectOnly + time(http, presigned, size);
                double direct = time(http, presigned, size);
                System.out.printf("round %d: through Depot %.2f s (%.0f MB/s), 302 + presigned %.2f s (%.0f MB/s; the 302 took %.1f ms), "
                                + "bucket directly %.2f s (%.0f MB/s); through/direct = %.2f%n", round,
                        through, size / through / 1e6, viaRedirect, size / viaRedirect / 1e6, redirectOnly * 1000,
                        direct, size / direct / 1e6, through / direct);
            }
        } finally {
            proxy.close();
        }
    }

    private static double time(HttpClient http, URI uri, long expected) throws Exception {
        long t = System.nanoTime();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = r.body()) {
            for (int k; (k = in.read(buf)) > 0; ) {
                n += k;
            }
        }
        if (n != expected) {
            throw new IllegalStateException("got " + n + " bytes, expected " + expected);
        }
        return seconds(t);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
