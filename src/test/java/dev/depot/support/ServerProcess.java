package dev.depot.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code depot serve} in a JVM of its own, so that a test can end it as a crash would: with
 * {@code kill -9} (SIGKILL), at any instant. It binds 127.0.0.1 on a free port; its log is kept in
 * {@code <data>/server-<n>.log}.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on (http://\\S+)");
    private static int started;
    private final Process process;
    private final String url;
    private final Path log;

    private ServerProcess(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** Starts a server over {@code dataDir} and {@code databaseUrl}, with these extra environment settings. */
    public static ServerProcess start(Path dataDir, String databaseUrl, Map<String, String> env) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        boolean shared = databaseUrl.startsWith("jdbc:postgresql:") || "s3".equals(env.get("DEPOT_STORAGE"));
        int port = shared ? TestServer.freePort() : 0;
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp", classpath,
                "dev.depot.cli.DepotCommand", "serve", "--port", Integer.toString(port), "--data", dataDir.toString(),
                "--database-url", databaseUrl));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DEPOT_AUTH_LOGIN_MAX_FAILURES", "1000");
        if (port != 0) {
            pb.environment().put("DEPOT_PUBLIC_URL", "http://127.0.0.1:" + port); // PostgreSQL and S3 need the address first
        }
        pb.environment().putAll(env);
        return launch(pb, dataDir);
    }

    /**
     * Starts {@code pb}, any command line of {@code depot serve} (a release's launcher, an older
     * jar), and waits until it says where it serves; its log goes to {@code <logDir>/server-<n>.log}.
     */
    public static ServerProcess launch(ProcessBuilder pb, Path logDir) {
        pb.redirectErrorStream(true);
        Path log;
        synchronized (ServerProcess.class) {
            log = logDir.resolve("server-" + (++started) + ".log");
        }
        try {
            Process p = pb.start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> copyLog(p, log, url));
            try {
                return new ServerProcess(p, url.get(60, TimeUnit.SECONDS), log);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException("the server process did not start: " + readLog(log), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyLog(Process p, Path log, CompletableFuture<String> url) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        url.completeExceptionally(new IOException("the server process ended"));
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log)";
        }
    }

    public String url(String path) {
        return url + path;
    }

    public long pid() {
        return process.pid();
    }

    /** What the server wrote to its log so far. */
    public String log() {
        return readLog(log);
    }

    /** Ends the process with SIGKILL, as a crash would: no shutdown hook runs. */
    public void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server process did not end after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill9();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
