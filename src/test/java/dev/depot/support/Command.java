package dev.depot.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A program run to its end within a time limit, its standard output and error read together. */
public final class Command {
    private Command() {}

    /** What a finished program printed and how it exited. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public static Result run(Duration limit, String... command) {
        return run(limit, null, Map.of(), List.of(command));
    }

    /**
     * Runs {@code command} in {@code dir} (this process's own when null) with {@code env} added to
     * this process's environment; a program still running after {@code limit} is killed and fails
     * the test that ran it.
     */
    public static Result run(Duration limit, Path dir, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(command + " ran longer than " + limit);
            }
            return new Result(p.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code program} is on this machine's PATH. */
    public static boolean available(String program) {
        return which(program).isPresent();
    }

    /** Where {@code program} is on this machine's PATH, as a shell would find it. */
    public static java.util.Optional<Path> which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Path.of(dir, program).toFile().canExecute()) {
                return java.util.Optional.of(Path.of(dir, program));
            }
        }
        return java.util.Optional.empty();
    }
}
