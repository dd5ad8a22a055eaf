package dev.depot.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tuf-js (npm's and sigstore-js's TUF client) run by Node on {@code src/test/node/tuf-client}: its
 * locked dependencies are installed from the npm registry once into {@code target/tuf-client}.
 * A machine without Node or npm, or without the registry, skips the test (counted as skipped).
 */
public final class TufJs {
    private static final Path SOURCE = Path.of("src", "test", "node", "tuf-client");
    private static final Path HOME = Path.of("target", "tuf-client").toAbsolutePath();
    private static Boolean installed;

    private TufJs() {}

    /** Installs tuf-js if needed, or skips the calling test. */
    public static synchronized void require() {
        if (installed == null) {
            installed = install();
        }
        assumeTrue(installed, "Node.js with npm and the npm registry are needed to run tuf-js");
    }

    private static boolean install() {
        try {
            Files.createDirectories(HOME);
            for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
                Files.copy(SOURCE.resolve(f), HOME.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.isDirectory(HOME.resolve("node_modules").resolve("tuf-js"))) {
                return run(List.of("node", "--version"), 30) == 0;
            }
            return run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int run(List<String> command, int seconds) {
        try {
            Process p = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true)
                    .redirectOutput(HOME.resolve("install.log").toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Refreshes the client's metadata in {@code state} (made from {@code trustedRoot} the first time)
     * and downloads {@code target}; answers the script's line: {@code ok}, or {@code error} (tuf-js's
     * error class) and {@code message}.
     */
    public static JsonNode download(String repository, Path trustedRoot, Path state, String target) {
        require();
        try {
            Process p = new ProcessBuilder("node", HOME.resolve("client.mjs").toString(), repository + "metadata",
                    repository + "targets", trustedRoot.toAbsolutePath().toString(), state.resolve("metadata").toAbsolutePath().toString(),
                    state.resolve("targets").toAbsolutePath().toString(), target)
                    .redirectErrorStream(true).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("tuf-js did not finish within 90 s");
                }
                out = in.readAllBytes();
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String last = text.substring(text.lastIndexOf('\n') + 1);
            return Json.parse(last);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
