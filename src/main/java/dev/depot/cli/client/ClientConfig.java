package dev.depot.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * What the client keeps between runs, under {@code $XDG_CONFIG_HOME/depot} (default
 * {@code ~/.config/depot}; the system property {@code depot.client.config} names another folder): the server and token ({@code credentials.json}, mode 0600) and the
 * upload URLs of unfinished uploads ({@code uploads.json}), so re-running an upload resumes it.
 */
public final class ClientConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public ClientConfig(Path dir) {
        this.dir = dir;
    }

    public static ClientConfig fromEnvironment(Map<String, String> env) {
        String explicit = System.getProperty("depot.client.config");
        if (explicit != null && !explicit.isBlank()) {
            return new ClientConfig(Path.of(explicit));
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new ClientConfig(base.resolve("depot"));
    }

    public record Credentials(String server, String token) {}

    public void saveCredentials(Credentials c) throws IOException {
        ObjectNode n = JSON.createObjectNode().put("server", c.server()).put("token", c.token());
        writePrivate(dir.resolve("credentials.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    public Optional<Credentials> credentials() throws IOException {
        Path f = dir.resolve("credentials.json");
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        var n = JSON.readTree(f.toFile());
        return Optional.of(new Credentials(n.path("server").asText(), n.path("token").asText()));
    }

    public synchronized Optional<String> uploadUrl(String fingerprint) throws IOException {
        ObjectNode all = uploads();
        return all.has(fingerprint) ? Optional.of(all.get(fingerprint).asText()) : Optional.empty();
    }

    public synchronized void rememberUpload(String fingerprint, String url) throws IOException {
        ObjectNode all = uploads();
        all.put(fingerprint, url);
        writePrivate(dir.resolve("uploads.json"), JSON.writeValueAsBytes(all));
    }

    public synchronized void forgetUpload(String fingerprint) throws IOException {
        ObjectNode all = uploads();
        all.remove(fingerprint);
        writePrivate(dir.resolve("uploads.json"), JSON.writeValueAsBytes(all));
    }

    private ObjectNode uploads() throws IOException {
        Path f = dir.resolve("uploads.json");
        return Files.isRegularFile(f) ? (ObjectNode) JSON.readTree(f.toFile()) : JSON.createObjectNode();
    }

    /** Writes a file only its owner can read, atomically. */
    private void writePrivate(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Path tmp = Files.createTempFile(dir, ".tmp", ".json");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
