package dev.depot.repository;

import dev.depot.core.Sha256;
import dev.depot.db.ServerSettings;
import dev.depot.keys.StoredKeyStore;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each repository's own RSA signing key (kept in the database, so every node signs alike), and
 * the jars signed with it: SHA-256 digests, one signer, the rules F-Droid's client enforces.
 */
final class FdroidKeys {
    private final ServerSettings settings;
    private final Path keysDir;
    private final Map<String, StoredKeyStore> keys = new ConcurrentHashMap<>();

    FdroidKeys(ServerSettings settings, Path keysDir) {
        this.settings = settings;
        this.keysDir = keysDir;
    }

    private StoredKeyStore.Loaded key(Repository repo) {
        return keys.computeIfAbsent(repo.name(), n -> new StoredKeyStore(settings, "fdroid-" + n, keysDir,
                "CN=Depot F-Droid repository " + n)).get();
    }

    /** The signing certificate's fingerprint as F-Droid shows it: SHA-256 of the DER certificate, hex. */
    String fingerprint(Repository repo) {
        try {
            return HexFormat.of().formatHex(Sha256.of(key(repo).certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A jar holding one file, signed by the repository's key, the same bytes on every node. */
    byte[] signedJar(Repository repo, String name, byte[] content, long timestamp) {
        StoredKeyStore.Loaded k = key(repo);
        return SignedJar.of(name, content, k.key(), k.certificate(), timestamp);
    }

}
