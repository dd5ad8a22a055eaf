package dev.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.cli.client.DepotClient;
import dev.depot.cli.client.TusUploadClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
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
        try (ProgressBar bar = progressBar(size)) {
            result = new TusUploadClient(c, client.config(), chunkMiB << 20).upload(file, sha256, meta, bar::stepTo);
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

    private static ProgressBar progressBar(long size) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("Uploading").setInitialMax(size)
                .setUnit(" MiB", 1 << 20).showSpeed();
        if (System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(System.err::println)).setUpdateIntervalMillis(2000);
        }
        return b.build();
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
