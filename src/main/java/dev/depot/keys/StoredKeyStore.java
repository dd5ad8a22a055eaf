package dev.depot.keys;

import dev.depot.db.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * An RSA signing key of the server, generated once with the JDK's keytool, kept in the database
 * (so every node signs with the same key) and written to the data directory when a node needs it
 * as a file. Used for universal APKs and for F-Droid repository indexes.
 */
public final class StoredKeyStore {
    public static final String ALIAS = "depot";
    private final ServerSettings settings;
    private final String name;
    private final Path dir;
    private final String subject;
    private Loaded cached;

    /** The key store on disk and its password, and the key and certificate in it. */
    public record Loaded(Path file, String password, PrivateKey key, X509Certificate certificate) {}

    public StoredKeyStore(ServerSettings settings, String name, Path dir, String subject) {
        this.settings = settings;
        this.name = name;
        this.dir = dir;
        this.subject = subject;
    }

    public synchronized Loaded get() {
        if (cached != null) {
            return cached;
        }
        String storeKey = "keys." + name + ".store";
        String passwordKey = "keys." + name + ".password";
        try {
            Files.createDirectories(dir);
            if (settings.get(storeKey).isEmpty()) {
                byte[] pw = new byte[24];
                new SecureRandom().nextBytes(pw);
                String password = Base64.getUrlEncoder().withoutPadding().encodeToString(pw);
                Path fresh = dir.resolve(name + "-" + System.nanoTime() + ".p12");
                generate(fresh, password, subject);
                String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(fresh));
                Files.delete(fresh);
                // Two nodes may race: the first store written wins, with its own password.
                if (settings.putIfAbsent(storeKey, encoded).equals(encoded)) {
                    settings.put(passwordKey, password);
                }
            }
            String password = waitFor(passwordKey);
            Path file = dir.resolve(name + ".p12");
            Files.write(file, Base64.getDecoder().decode(settings.get(storeKey).orElseThrow()));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password.toCharArray());
            }
            cached = new Loaded(file, password, (PrivateKey) ks.getKey(ALIAS, password.toCharArray()),
                    (X509Certificate) ks.getCertificate(ALIAS));
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the " + name + " signing key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the " + name + " key store cannot be read", e);
        }
    }

    /** Creates a new 4096-bit RSA key with a self-signed certificate in a PKCS#12 store at {@code target}. */
    public static void generate(Path target, String password, String subject) throws IOException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-keystore", target.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password, "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "4096",
                "-sigalg", "SHA256withRSA", "-validity", "10000", "-dname", subject).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool could not create a key store");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating a key store", e);
        }
    }

    private String waitFor(String key) {
        for (int i = 0; i < 200; i++) {
            var v = settings.get(key);
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
        throw new IllegalStateException("the " + name + " key store has no password");
    }
}
