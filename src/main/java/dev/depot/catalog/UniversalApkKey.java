package dev.depot.catalog;

import dev.depot.db.ServerSettings;
import dev.depot.inspect.UniversalApkBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The key universal APKs are signed with: generated once, kept in the database so that every
 * node signs with the same key (a tester's phone accepts an update only from the same signer),
 * and written to the data directory when a node needs it.
 */
final class UniversalApkKey implements Supplier<UniversalApkBuilder.SigningKey> {
    private static final String STORE = "universal_apk.keystore";
    private static final String PASSWORD = "universal_apk.password";
    private final ServerSettings settings;
    private final Path dir;
    private UniversalApkBuilder.SigningKey cached;

    UniversalApkKey(ServerSettings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    @Override
    public synchronized UniversalApkBuilder.SigningKey get() {
        if (cached != null) {
            return cached;
        }
        try {
            Files.createDirectories(dir);
            if (settings.get(STORE).isEmpty()) {
                byte[] pw = new byte[24];
                new SecureRandom().nextBytes(pw);
                String password = Base64.getUrlEncoder().withoutPadding().encodeToString(pw);
                Path fresh = Files.createTempFile(dir, "keystore", ".p12");
                Files.delete(fresh); // keytool refuses to write into an existing empty file
                UniversalApkBuilder.generateKeyStore(fresh, password, Duration.ofMinutes(1));
                String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(fresh));
                Files.delete(fresh);
                // Two nodes may race: the first store written wins, with its own password.
                if (settings.putIfAbsent(STORE, encoded).equals(encoded)) {
                    settings.put(PASSWORD, password);
                }
            }
            String password = waitFor(PASSWORD);
            Path file = dir.resolve("universal-apk.p12");
            Files.write(file, Base64.getDecoder().decode(settings.get(STORE).orElseThrow()));
            cached = new UniversalApkBuilder.SigningKey(file, password);
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the universal APK signing key", e);
        }
    }

    private String waitFor(String name) {
        for (int i = 0; i < 100; i++) {
            var v = settings.get(name);
            if (v.isPresent()) {
                return v.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the universal APK key store has no password");
    }
}
