package dev.depot.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.json.JsonParseException;
import dev.sigstore.json.canonicalizer.JsonCanonicalizer;
import dev.sigstore.tuf.FileExceedsMaxLengthException;
import dev.sigstore.tuf.FileSystemTufStore;
import dev.sigstore.tuf.MetaFetcher;
import dev.sigstore.tuf.PassthroughCacheMetaStore;
import dev.sigstore.tuf.RoleExpiredException;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SignatureVerificationException;
import dev.sigstore.tuf.SnapshotTargetMissingException;
import dev.sigstore.tuf.SnapshotVersionMismatchException;
import dev.sigstore.tuf.TargetMetadataMissingException;
import dev.sigstore.tuf.TrustedMetaStore;
import dev.sigstore.tuf.TufException;
import dev.sigstore.tuf.Updater;
import dev.sigstore.tuf.encryption.Verifiers;
import dev.sigstore.tuf.model.DelegationRole;
import dev.sigstore.tuf.model.Delegations;
import dev.sigstore.tuf.model.Key;
import dev.sigstore.tuf.model.SnapshotMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A TUF client for Depot's repository, on sigstore-java's TUF updater: the updater checks root
 * (through every version since the one trusted), timestamp, snapshot and the top-level targets
 * with its own rules and errors (rollback, freeze, mix-and-match, lengths, thresholds). It does not
 * follow delegations, so the step from targets to the delegated role that lists a path (one level:
 * Depot delegates once) is done here with sigstore-java's key model, verifiers and canonical
 * JSON, under the specification's rules (snapshot's version, length and hash; the role's
 * threshold; expiry; the path pattern), raising sigstore-java's exceptions where it has one.
 * Every fetch is bounded in bytes and time.
 */
public final class TufClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** A target downloaded and verified. */
    public record Verified(String path, long length, String sha256, JsonNode custom, Path file) {}

    /** The bytes of a target or a delegated role do not have the length and hash trusted metadata gives. */
    public static final class HashMismatch extends TufException {
        HashMismatch(String what) {
            super(what + " does not match the length and SHA-256 that trusted metadata gives");
        }
    }

    private final URI metadataBase;
    private final URI targetsBase;
    private final Path trustedRoot;
    private final Path cache;
    private final Clock clock;
    private final HttpClient http;
    private final Duration timeout;

    /** {@code repository} is Depot's TUF address ({@code https://host/tuf/}); {@code cache} keeps trusted metadata between runs. */
    public TufClient(URI repository, Path trustedRoot, Path cache, Duration timeout, Clock clock) {
        String base = repository.toString().endsWith("/") ? repository.toString() : repository + "/";
        this.metadataBase = URI.create(base + "metadata/");
        this.targetsBase = URI.create(base + "targets/");
        this.trustedRoot = trustedRoot;
        this.cache = cache;
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Updates trusted metadata, then downloads {@code targetPath} into {@code out} if every check holds. */
    public Verified download(String targetPath, Path out) throws IOException, JsonParseException {
        Files.createDirectories(cache.resolve("targets"));
        FileSystemTufStore store = FileSystemTufStore.newFileSystemStore(cache, cache.resolve("targets"));
        TrustedMetaStore trusted = TrustedMetaStore.newTrustedMetaStore(PassthroughCacheMetaStore.newPassthroughMetaCache(store));
        Fetcher metadata = new Fetcher(metadataBase);
        Updater updater = Updater.builder()
                .setClock(clock)
                .setVerifiers(Verifiers::newVerifier)
                .setMetaFetcher(MetaFetcher.newFetcher(metadata))
                .setTargetFetcher(new Fetcher(targetsBase))
                .setTrustedRootPath(RootProvider.fromFile(trustedRoot))
                .setTrustedMetaStore(trusted)
                .setTargetStore(store)
                .build();
        updater.updateMeta();
        ZonedDateTime start = ZonedDateTime.now(clock);

        Delegations delegations = trusted.getTargets().getSignedMeta().getDelegations()
                .orElseThrow(() -> new TargetMetadataMissingException(targetPath));
        for (DelegationRole role : delegations.getRoles()) {
            if (role.getPaths().stream().noneMatch(p -> matches(p, targetPath))) {
                continue;
            }
            JsonNode targets = delegatedRole(trusted, metadata, delegations, role, start);
            JsonNode target = targets.path("targets").get(targetPath);
            if (target != null) {
                return fetchTarget(targetPath, target, out);
            }
            if (role.isTerminating()) {
                break;
            }
        }
        throw new TargetMetadataMissingException(targetPath);
    }

    /** A delegated role's metadata, as the trusted snapshot names it, checked as the specification's step 5.6 says. */
    private JsonNode delegatedRole(TrustedMetaStore trusted, Fetcher fetcher, Delegations delegations, DelegationRole role,
                                   ZonedDateTime start) throws IOException, JsonParseException {
        SnapshotMeta.SnapshotTarget meta = trusted.getSnapshot().getSignedMeta().getTargetMeta(role.getName() + ".json");
        if (meta == null) {
            throw new SnapshotTargetMissingException(role.getName() + ".json");
        }
        String file = meta.getVersion() + "." + role.getName() + ".json";
        byte[] bytes = fetcher.fetchResource(file, meta.getLengthOrDefault());
        if (bytes == null) {
            throw new dev.sigstore.tuf.FileNotFoundException(file, fetcher.getSource());
        }
        if (meta.getHashes().isPresent() && meta.getHashes().get().getSha256() != null
                && !meta.getHashes().get().getSha256().equals(sha256(bytes))) {
            throw new HashMismatch(file);
        }
        JsonNode envelope = JSON.readTree(bytes);
        JsonNode signed = envelope.path("signed");
        byte[] canonical = new JsonCanonicalizer(signed.toString()).getEncodedUTF8();
        java.util.Set<String> good = new java.util.HashSet<>();
        for (JsonNode sig : envelope.path("signatures")) {
            String keyid = sig.path("keyid").asText();
            Key key = delegations.getKeys().get(keyid);
            if (key == null || !role.getKeyids().contains(keyid)) {
                continue;
            }
            try {
                if (Verifiers.newVerifier(key).verify(canonical, HEX.parseHex(sig.path("sig").asText()))) {
                    good.add(keyid);
                }
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                // a signature that cannot be checked counts for nothing
            }
        }
        if (good.size() < role.getThreshold()) {
            throw new SignatureVerificationException(role.getThreshold(), good.size());
        }
        if (signed.path("version").asInt() != meta.getVersion()) {
            throw new SnapshotVersionMismatchException(meta.getVersion(), signed.path("version").asInt());
        }
        ZonedDateTime expires = ZonedDateTime.parse(signed.path("expires").asText());
        if (expires.isBefore(start)) {
            throw new RoleExpiredException(fetcher.getSource(), start, expires);
        }
        return signed;
    }

    private Verified fetchTarget(String path, JsonNode target, Path out) throws IOException {
        long length = target.path("length").asLong(-1);
        String sha256 = target.path("hashes").path("sha256").asText("");
        int slash = path.lastIndexOf('/');
        String hashed = path.substring(0, slash + 1) + sha256 + "." + path.substring(slash + 1);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path part = Files.createTempFile(parent, ".tuf-", ".part");
        try {
            HttpResponse<InputStream> response = get(targetsBase.resolve(hashed));
            if (response.statusCode() != 200) {
                response.body().close();
                throw new TufException("the repository answered " + response.statusCode() + " for target " + path);
            }
            MessageDigest digest = sha256Digest();
            long total = 0;
            try (InputStream in = response.body(); OutputStream o = new DigestOutputStream(Files.newOutputStream(part), digest)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > length) {
                        throw new FileExceedsMaxLengthException(hashed, (int) Math.min(Integer.MAX_VALUE, length));
                    }
                    o.write(buffer, 0, n);
                }
            }
            if (total != length || !HEX.formatHex(digest.digest()).equals(sha256)) {
                throw new HashMismatch("target " + path);
            }
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Verified(path, length, sha256, target.path("custom"), out);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** TUF's PATHPATTERN: shell wildcards within one path segment. */
    static boolean matches(String pattern, String path) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return path.matches(regex.toString());
    }

    private HttpResponse<InputStream> get(URI uri) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** sigstore-java's fetcher contract over the JDK's client: {@code null} for a 404, at most {@code maxLength} bytes. */
    private final class Fetcher implements dev.sigstore.tuf.Fetcher {
        private final URI base;

        Fetcher(URI base) {
            this.base = base;
        }

        @Override
        public String getSource() {
            return base.toString();
        }

        @Override
        public byte[] fetchResource(String filename, int maxLength) throws IOException {
            HttpResponse<InputStream> response = get(base.resolve(filename));
            try (InputStream in = response.body()) {
                if (response.statusCode() == 404) {
                    return null;
                }
                if (response.statusCode() != 200) {
                    throw new TufException("the repository answered " + response.statusCode() + " for " + filename);
                }
                byte[] bytes = in.readNBytes(maxLength);
                if (bytes.length == maxLength && in.read() != -1) {
                    throw new FileExceedsMaxLengthException(base.resolve(filename).toString(), maxLength);
                }
                return bytes;
            }
        }
    }

    private static String sha256(byte[] bytes) {
        return HEX.formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
