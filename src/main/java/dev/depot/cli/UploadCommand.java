package dev.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.cli.client.DepotClient;
import dev.depot.cli.client.TusUploadClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Upload an APK, AAB or IPA over tus. Running the same command after an interruption resumes it.")
final class UploadCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--org", required = true, description = "Organization id.")
    String org;

    @Option(names = "--app", required = true, description = "App id.")
    String app;

    @Option(names = "--changelog", description = "What changed in this build.")
    String changelog;

    @Option(names = "--tags", description = "Comma-separated tags.")
    String tags;

    @Option(names = "--version-name", description = "Version name, when the file does not say.")
    String versionName;

    @Option(names = "--chunk-size-mib", defaultValue = "32", description = "Size of each request (default 32 MiB).")
    int chunkMiB;

    @Option(names = "--no-wait", description = "Do not wait for the server to inspect the build.")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new DepotClient.ClientException("no such file: " + file);
        }
        DepotClient c = client.client();
        long size = Files.size(file);
        System.err.println("Computing the SHA-256 of " + file.getFileName() + " ...");
        String sha256 = TusUploadClient.sha256(file);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("organization", org);
        meta.put("app", app);
        meta.put("changelog", changelog);
        meta.put("tags", tags);
        meta.put("versionName", versionName);
        TusUploadClient.Result result;
        try (Progress progress = Progress.of(file.getFileName().toString(), size)) {
            result = new TusUploadClient(c, client.config(), chunkMiB << 20).upload(file, sha256, meta, progress);
        }
        if (result.resumed()) {
            System.err.println("Resumed an earlier upload at byte " + result.resumedAt() + ".");
        }
        System.out.println("uploaded " + file.getFileName() + " (sha256 " + sha256 + ") as build " + result.buildId());
        if (noWait) {
            return 0;
        }
        JsonNode build = waitForInspection(c, result.buildId());
        System.out.println("status: " + build.path("status").asText());
        if (build.path("status").asText().equals("error")) {
            System.out.println("error: " + build.path("error").asText());
            return 1;
        }
        System.out.println("version: " + build.path("versionName").asText() + " (" + build.path("versionCode").asText() + ")");
        JsonNode facts = build.path("facts");
        for (String key : new String[] {"packageName", "bundleId", "label", "displayName", "minSdk", "targetSdk",
                "minimumOsVersion", "nativeAbis", "permissions"}) {
            if (facts.has(key) && !facts.get(key).isNull()) {
                System.out.println(key + ": " + (facts.get(key).isTextual() ? facts.get(key).asText() : facts.get(key)));
            }
        }
        if (facts.has("signing")) {
            JsonNode s = facts.get("signing");
            System.out.println("signature: " + (s.path("verified").asBoolean() ? "verified" : "NOT verified")
                    + " (v1 " + s.path("v1").asBoolean() + ", v2 " + s.path("v2").asBoolean() + ", v3 " + s.path("v3").asBoolean()
                    + "), signer " + s.path("signerCertSha256"));
        }
        return 0;
    }

    /**
     * How far an upload is: a progress bar on a terminal; elsewhere (a CI log, a pipe) a plain
     * line every few seconds and at the end, with no escape sequences. Sizes are counted in the
     * unit that fits the file, so a small file does not show as 0/0 MiB.
     */
    abstract static class Progress implements LongConsumer, AutoCloseable {
        static Progress of(String name, long size) {
            String unit = size >= 10L << 20 ? " MiB" : size >= 10L << 10 ? " KiB" : " B";
            long scale = size >= 10L << 20 ? 1 << 20 : size >= 10L << 10 ? 1 << 10 : 1;
            return System.console() != null ? new Bar(size, unit, scale) : new Lines(name, size, unit, scale, System.err);
        }

        @Override
        public abstract void close();
    }

    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(long size, String unit, long scale) {
            this.bar = new ProgressBarBuilder().setTaskName("Uploading").setInitialMax(size).setUnit(unit, scale).showSpeed()
                    .build();
        }

        @Override
        public void accept(long done) {
            bar.stepTo(done);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    static final class Lines extends Progress {
        private final String name;
        private final long size;
        private final String unit;
        private final long scale;
        private final PrintStream out;
        private final long started = System.nanoTime();
        private long lastLine;
        private long done;

        Lines(String name, long size, String unit, long scale, PrintStream out) {
            this.name = name;
            this.size = size;
            this.unit = unit;
            this.scale = scale;
            this.out = out;
        }

        @Override
        public void accept(long now) {
            done = now;
            if (System.nanoTime() - lastLine > 2_000_000_000L) {
                line();
            }
        }

        private void line() {
            lastLine = System.nanoTime();
            double seconds = Math.max(1e-3, (lastLine - started) / 1e9);
            out.printf(Locale.ROOT, "Uploading %s: %s of %s%s (%d%%), %.1f MiB/s%n", name, amount(done), amount(size), unit,
                    size == 0 ? 100 : done * 100 / size, done / seconds / (1 << 20));
        }

        private String amount(long bytes) {
            return scale == 1 ? Long.toString(bytes) : String.format(Locale.ROOT, "%.1f", (double) bytes / scale);
        }

        @Override
        public void close() {
            line();
        }
    }

    private static JsonNode waitForInspection(DepotClient c, String buildId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            JsonNode b = c.getData("/v1/integrations/builds/" + buildId);
            String status = b.path("status").asText();
            if (status.equals("processed") || status.equals("error") || System.nanoTime() > deadline) {
                return b;
            }
            Thread.sleep(500);
        }
    }
}
