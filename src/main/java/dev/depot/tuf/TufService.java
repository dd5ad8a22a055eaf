package dev.depot.tuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depot.core.DepotException;
import dev.depot.tuf.TufRepository.StoredKey;
import dev.depot.tuf.TufRepository.StoredMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Depot's TUF repository (specification 1.0): root (offline keys, a threshold of them), targets,
 * snapshot and timestamp (online keys), and one delegated targets role per device and per
 * organization, each with its own key. Consistent snapshots: clients fetch {@code N.role.json} and
 * hash-prefixed targets.
 *
 * <p>{@link #refresh} is the one writer of online metadata: in one transaction with the state row
 * locked it signs a new version of each role whose content changed (or nears expiry), then the
 * snapshot and timestamp over them. Nodes serve the stored bytes, so every node serves the same.
 */
public final class TufService {
    public static final String ROOT = "root";
    public static final String TARGETS = "targets";
    public static final String SNAPSHOT = "snapshot";
    public static final String TIMESTAMP = "timestamp";
    static final List<String> ONLINE_ROLES = List.of(TARGETS, SNAPSHOT, TIMESTAMP);
    static final String SPEC_VERSION = "1.0.31";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ISO_INSTANT;
    private static final Pattern VERSIONED = Pattern.compile("([1-9][0-9]{0,17})\\.([A-Za-z0-9._-]+)\\.json");
    private static final Pattern LATEST = Pattern.compile("([A-Za-z0-9._-]+)\\.json");

    /** How long each role's metadata is valid when signed; delegated roles take targets'. */
    public record Expiries(Duration root, Duration targets, Duration snapshot, Duration timestamp) {
        public Duration of(String role) {
            return switch (role) {
                case ROOT -> root;
                case SNAPSHOT -> snapshot;
                case TIMESTAMP -> timestamp;
                default -> targets;
            };
        }
    }

    /** What a refresh signed: the roles given a new version, in the order signed. */
    public record Refresh(List<String> signed) {
        public boolean changed() {
            return !signed.isEmpty();
        }
    }

    /** One role as the admin page and {@code depot tuf status} show it. */
    public record RoleStatus(String role, long version, Instant expires, List<String> keyids, int threshold,
                             boolean online, long bytes) {}

    private final TufRepository repository;
    private final TufTargets targets;
    private final Expiries expiries;
    private final String secret;
    private final TufKey.Algorithm algorithm;
    private final Clock clock;
    private final Map<String, SigningKey> opened = new ConcurrentHashMap<>();
    private volatile KeySeal seal;
    private volatile boolean initialized;

    public TufService(TufRepository repository, TufTargets targets, Expiries expiries, String secret,
                      TufKey.Algorithm algorithm, Clock clock) {
        this.repository = repository;
        this.targets = targets;
        this.expiries = expiries;
        this.secret = secret;
        this.algorithm = algorithm;
        this.clock = clock;
    }

    /** The time expiry is judged by. */
    public Instant now() {
        return clock.instant();
    }

    /** True once a root has been imported: from then on the repository is served. */
    public boolean initialized() {
        if (!initialized) {
            initialized = repository.read(h -> repository.latest(h, ROOT).isPresent());
        }
        return initialized;
    }

    // --- roots: made here, signed offline, imported back

    /**
     * Starts a repository: online keys for targets, snapshot and timestamp are made (sealed), and
     * root version 1 naming them and the given offline root keys is returned unsigned, to be signed
     * by at least {@code threshold} of those keys ({@link #sign}) and imported ({@link #importRoot}).
     */
    public String init(List<TufKey> rootKeys, int threshold) {
        requireKeys(rootKeys, threshold);
        return repository.inTransaction(h -> {
            repository.createState(h, KeySeal.newSalt(), clock.millis());
            repository.lockState(h).orElseThrow();
            if (repository.latest(h, ROOT).isPresent()) {
                throw new DepotException.Conflict("tuf_initialized",
                        "The TUF repository already has a root; rotate keys with a new root version (depot tuf root-next).");
            }
            for (StoredKey k : repository.keysInState(h, "pending")) {
                repository.setKeyState(h, k.keyid(), "retired");
            }
            ObjectNode keys = JSON.createObjectNode();
            ObjectNode roles = JSON.createObjectNode();
            putRole(h, keys, roles, ROOT, rootKeys, threshold);
            for (String role : ONLINE_ROLES) {
                putRole(h, keys, roles, role, List.of(newOnlineKey(h, role, "pending")), 1);
            }
            ObjectNode signed = rootSigned(1, keys, roles);
            String envelope = envelope(signed, List.of());
            repository.setPendingRoot(h, envelope);
            return envelope;
        });
    }

    /** What changes from the current root to the next. */
    public record NextRoot(Set<String> rotate, List<TufKey> rootKeys, Integer threshold) {}

    /**
     * The next root version, unsigned: the current one with a fresh expiry, new online keys for the
     * roles in {@code rotate} and, if given, new root keys or threshold. Signed by a threshold of
     * the current root keys and of its own, and imported, it takes effect.
     */
    public String nextRoot(NextRoot next) {
        return repository.inTransaction(h -> {
            repository.lockState(h).orElseThrow(TufService::notInitialized);
            ObjectNode current = signedOf(repository.latest(h, ROOT).orElseThrow(TufService::notInitialized).body());
            for (StoredKey k : repository.keysInState(h, "pending")) {
                repository.setKeyState(h, k.keyid(), "retired");
            }
            ObjectNode roles = (ObjectNode) current.get("roles").deepCopy();
            ObjectNode keys = JSON.createObjectNode();
            for (String r : next.rotate()) {
                if (!ONLINE_ROLES.contains(r)) {
                    throw new DepotException.Invalid("tuf_role", "Only " + ONLINE_ROLES + " are rotated by a new root; "
                            + "a delegated role's key is rotated with depot tuf rotate.");
                }
            }
            if (next.rootKeys() != null && !next.rootKeys().isEmpty()) {
                int threshold = next.threshold() == null ? roles.get(ROOT).get("threshold").asInt() : next.threshold();
                requireKeys(next.rootKeys(), threshold);
                putRole(h, keys, roles, ROOT, next.rootKeys(), threshold);
            } else if (next.threshold() != null) {
                int n = roles.get(ROOT).get("keyids").size();
                if (next.threshold() < 1 || next.threshold() > n) {
                    throw new DepotException.Invalid("tuf_threshold", "The root threshold must be between 1 and " + n + ".");
                }
                ((ObjectNode) roles.get(ROOT)).put("threshold", next.threshold());
            }
            for (String r : ONLINE_ROLES) {
                if (next.rotate().contains(r)) {
                    putRole(h, keys, roles, r, List.of(newOnlineKey(h, r, "pending")), 1);
                }
            }
            for (String r : List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP)) {
                for (JsonNode id : roles.get(r).get("keyids")) {
                    if (!keys.has(id.asText())) {
                        keys.set(id.asText(), current.get("keys").get(id.asText()));
                    }
                }
            }
            ObjectNode signed = rootSigned(current.get("version").asLong() + 1, keys, roles);
            String envelope = envelope(signed, List.of());
            repository.setPendingRoot(h, envelope);
            return envelope;
        });
    }

    /** The root awaiting signatures and import, if any. */
    public Optional<String> pendingRoot() {
        return repository.read(h -> repository.state(h).map(TufRepository.State::pendingRoot));
    }

    /** Adds {@code key}'s signature to a metadata envelope (offline: no server, no database). */
    public static String sign(String envelopeText, SigningKey key) {
        ObjectNode envelope = parse(envelopeText);
        ObjectNode signed = (ObjectNode) envelope.get("signed");
        if (signed == null || !envelope.path("signatures").isArray()) {
            throw new IllegalArgumentException("not TUF metadata: it needs \"signed\" and \"signatures\"");
        }
        ArrayNode signatures = JSON.createArrayNode();
        for (JsonNode s : envelope.get("signatures")) {
            if (!s.path("keyid").asText().equals(key.keyid())) {
                signatures.add(s);
            }
        }
        signatures.addObject().put("keyid", key.keyid()).put("sig", key.sign(CanonicalJson.bytes(signed)));
        envelope.set("signatures", sorted(signatures));
        return CanonicalJson.file(envelope);
    }

    /**
     * Makes a signed root the trusted one: its version follows the current one, a threshold of the
     * current root's keys and a threshold of its own signed it, and this server holds the private
     * half of each online key it names. The online metadata is signed again at once, in the same
     * transaction, by the keys it names.
     */
    public Refresh importRoot(String envelopeText) {
        ObjectNode envelope = parse(envelopeText);
        ObjectNode signed = (ObjectNode) envelope.get("signed");
        if (signed == null || !ROOT.equals(signed.path("_type").asText())) {
            throw new DepotException.Invalid("tuf_not_root", "This file is not TUF root metadata.");
        }
        return repository.inTransaction(h -> {
            repository.lockState(h).orElseThrow(TufService::notInitialized);
            Optional<StoredMetadata> current = repository.latest(h, ROOT);
            long expected = current.map(m -> m.version() + 1).orElse(1L);
            long version = signed.path("version").asLong();
            if (version != expected) {
                throw new DepotException.Conflict("tuf_root_version", "This root is version " + version
                        + "; the next one is " + expected + ".");
            }
            if (current.isPresent()) {
                requireThreshold(signedOf(current.get().body()), envelope, "the current root's");
            }
            requireThreshold(signed, envelope, "its own");
            Set<String> named = new TreeSet<>();
            for (String r : List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP)) {
                for (JsonNode id : signed.path("roles").path(r).path("keyids")) {
                    named.add(id.asText());
                    StoredKey k = repository.key(h, id.asText()).orElse(null);
                    if (!r.equals(ROOT) && (k == null || k.sealedPrivate() == null)) {
                        throw new DepotException.Invalid("tuf_unknown_key", "The root names key " + id.asText() + " for "
                                + r + ", whose private half this server does not hold.");
                    }
                    if (k == null) {
                        repository.insertKey(h, new StoredKey(id.asText(), ROOT,
                                CanonicalJson.file(signed.path("keys").path(id.asText())), null, "active", clock.millis()));
                    }
                }
            }
            for (String r : List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP)) {
                for (StoredKey k : repository.keys(h, r, "active")) {
                    if (!named.contains(k.keyid())) {
                        repository.setKeyState(h, k.keyid(), "retired");
                    }
                }
                for (StoredKey k : repository.keys(h, r, "pending")) {
                    repository.setKeyState(h, k.keyid(), named.contains(k.keyid()) ? "active" : "retired");
                }
            }
            String body = CanonicalJson.file(envelope);
            repository.insert(h, new StoredMetadata(ROOT, version, body, digest(signed, List.of()),
                    Instant.parse(signed.path("expires").asText()).toEpochMilli(), clock.millis()));
            repository.setPendingRoot(h, null);
            List<String> signedRoles = new ArrayList<>(List.of(ROOT));
            signedRoles.addAll(refreshIn(h, true).signed());
            return new Refresh(signedRoles);
        });
    }

    // --- online metadata

    /** Signs what changed (or nears expiry), exactly once however many nodes ask at once. */
    public Refresh refresh() {
        return refresh(false);
    }

    /**
     * Signs what changed. {@code afterChange}: this node just changed what is published, so it
     * goes straight to the lock; otherwise (the periodic check) what to sign is first looked for
     * without it.
     */
    public Refresh refresh(boolean afterChange) {
        if (!initialized()) {
            return new Refresh(List.of());
        }
        if (!afterChange) {
            try {
                // the usual answer, "nothing to sign", found without the lock (on SQLite, the write lock)
                repository.read(h -> refreshIn(h, false));
                return new Refresh(List.of());
            } catch (Pending p) {
                // something to sign: done again under the lock, where what is read is what is signed
            }
        }
        return repository.inTransaction(h -> {
            if (repository.lockState(h).isEmpty() || repository.latest(h, ROOT).isEmpty()) {
                return new Refresh(List.of());
            }
            return refreshIn(h, true);
        });
    }

    /** A dry run found something to sign. */
    private static final class Pending extends RuntimeException {
        Pending() {
            super(null, null, false, false);
        }
    }

    /** Gives a delegated role a new key; the targets role's delegation changes with it, nothing else. */
    public Refresh rotate(String role) {
        if (!role.startsWith(TufTargets.DEVICE_PREFIX) && !role.startsWith(TufTargets.ORG_PREFIX)) {
            throw new DepotException.Invalid("tuf_role", "Only delegated roles (device-<codename>, org-<slug>) rotate "
                    + "online; targets, snapshot and timestamp rotate through a new root (depot tuf root-next --rotate).");
        }
        return repository.inTransaction(h -> {
            repository.lockState(h).orElseThrow(TufService::notInitialized);
            if (repository.latest(h, role).isEmpty()) {
                throw new DepotException.NotFound("tuf_role", "No role " + role + " has been signed.");
            }
            for (StoredKey k : repository.keys(h, role, "active")) {
                repository.setKeyState(h, k.keyid(), "retired");
            }
            newOnlineKey(h, role, "active");
            return refreshIn(h, true);
        });
    }

    /** Signs what changed; with {@code write} false, throws {@link Pending} instead of signing anything. */
    private Refresh refreshIn(Handle h, boolean write) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode root = signedOf(repository.latest(h, ROOT).orElseThrow().body());
        Map<String, StoredMetadata> latest = new HashMap<>();
        for (StoredMetadata m : repository.latestOfEveryRole(h)) {
            latest.put(m.role(), m);
        }
        Map<String, TufTargets.RoleTargets> desired = new TreeMap<>();
        for (TufTargets.RoleTargets rt : targets.current()) {
            desired.put(rt.role(), rt);
        }
        Set<String> delegated = new TreeSet<>(desired.keySet());
        for (String role : latest.keySet()) {
            if (!List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP).contains(role)) {
                delegated.add(role);
            }
        }
        List<String> signed = new ArrayList<>();
        ObjectNode delegationKeys = JSON.createObjectNode();
        ArrayNode delegationRoles = JSON.createArrayNode();
        for (String role : delegated) {
            SigningKey key = delegatedKey(h, role, write);
            ObjectNode body = JSON.createObjectNode();
            body.put("_type", "targets");
            ObjectNode t = body.putObject("targets");
            TufTargets.RoleTargets rt = desired.get(role);
            if (rt != null) {
                for (TufTargets.Target target : rt.targets().values()) {
                    ObjectNode o = t.putObject(target.path());
                    o.put("length", target.length());
                    o.putObject("hashes").put("sha256", target.sha256());
                    o.set("custom", target.custom());
                }
            }
            sign(h, role, body, List.of(key), now, latest, signed, write);
            delegationKeys.set(key.keyid(), key.publicKey().json());
            ObjectNode d = delegationRoles.addObject();
            d.put("name", role);
            d.putArray("keyids").add(key.keyid());
            d.put("threshold", 1);
            d.put("terminating", true);
            d.putArray("paths").add(TufTargets.patternOf(role));
        }
        ObjectNode top = JSON.createObjectNode();
        top.put("_type", "targets");
        top.putObject("targets");
        ObjectNode delegations = top.putObject("delegations");
        delegations.set("keys", delegationKeys);
        delegations.set("roles", delegationRoles);
        sign(h, TARGETS, top, onlineKeys(h, root, TARGETS), now, latest, signed, write);

        ObjectNode snapshot = JSON.createObjectNode();
        snapshot.put("_type", "snapshot");
        ObjectNode meta = snapshot.putObject("meta");
        meta.set("targets.json", metaOf(latest.get(TARGETS)));
        for (String role : delegated) {
            meta.set(role + ".json", metaOf(latest.get(role)));
        }
        sign(h, SNAPSHOT, snapshot, onlineKeys(h, root, SNAPSHOT), now, latest, signed, write);

        ObjectNode timestamp = JSON.createObjectNode();
        timestamp.put("_type", "timestamp");
        timestamp.putObject("meta").set("snapshot.json", metaOf(latest.get(SNAPSHOT)));
        sign(h, TIMESTAMP, timestamp, onlineKeys(h, root, TIMESTAMP), now, latest, signed, write);
        return new Refresh(signed);
    }

    /** Signs a new version of {@code role} unless the current one says the same, by the same keys, and is not near expiry. */
    private void sign(Handle h, String role, ObjectNode body, List<SigningKey> signers, Instant now,
                      Map<String, StoredMetadata> latest, List<String> signed, boolean write) {
        String digest = digest(body, signers.stream().map(SigningKey::keyid).toList());
        StoredMetadata previous = latest.get(role);
        Duration lifetime = expiries.of(role);
        if (previous != null && previous.contentDigest().equals(digest)
                && previous.expiresAt() - now.toEpochMilli() > lifetime.toMillis() / 2) {
            return;
        }
        if (!write) {
            throw new Pending();
        }
        long version = previous == null ? 1 : previous.version() + 1;
        Instant expires = now.plus(lifetime);
        body.put("spec_version", SPEC_VERSION);
        body.put("version", version);
        body.put("expires", EXPIRES.format(expires));
        String text = envelope(body, signers);
        StoredMetadata m = new StoredMetadata(role, version, text, digest, expires.toEpochMilli(), clock.millis());
        repository.insert(h, m);
        latest.put(role, m);
        signed.add(role);
    }

    private static ObjectNode metaOf(StoredMetadata m) {
        byte[] bytes = m.body().getBytes(StandardCharsets.UTF_8);
        ObjectNode o = JSON.createObjectNode();
        o.put("version", m.version());
        o.put("length", bytes.length);
        o.putObject("hashes").put("sha256", sha256(bytes));
        return o;
    }

    // --- serving

    /**
     * A metadata file as clients name it: {@code N.root.json}, {@code root.json},
     * {@code timestamp.json}, {@code N.<role>.json} (consistent snapshots) or {@code <role>.json}
     * (the current version).
     */
    public Optional<String> metadata(String file) {
        Matcher v = VERSIONED.matcher(file);
        if (v.matches()) {
            long version = Long.parseLong(v.group(1));
            return repository.read(h -> repository.version(h, v.group(2), version)).map(StoredMetadata::body);
        }
        Matcher l = LATEST.matcher(file);
        if (l.matches()) {
            return repository.read(h -> repository.latest(h, l.group(1))).map(StoredMetadata::body);
        }
        return Optional.empty();
    }

    /** Every role's current version, expiry and keys: top-level roles first, then the delegated ones. */
    public List<RoleStatus> status() {
        return repository.read(h -> {
            List<RoleStatus> out = new ArrayList<>();
            Optional<StoredMetadata> rootRow = repository.latest(h, ROOT);
            if (rootRow.isEmpty()) {
                return out;
            }
            ObjectNode root = signedOf(rootRow.get().body());
            Map<String, StoredMetadata> latest = new TreeMap<>();
            for (StoredMetadata m : repository.latestOfEveryRole(h)) {
                latest.put(m.role(), m);
            }
            ObjectNode targets = latest.containsKey(TARGETS) ? signedOf(latest.get(TARGETS).body()) : JSON.createObjectNode();
            Map<String, JsonNode> delegations = new HashMap<>();
            for (JsonNode d : targets.path("delegations").path("roles")) {
                delegations.put(d.path("name").asText(), d);
            }
            List<String> order = new ArrayList<>(List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP));
            for (String r : latest.keySet()) {
                if (!order.contains(r)) {
                    order.add(r);
                }
            }
            for (String r : order) {
                StoredMetadata m = latest.get(r);
                if (m == null) {
                    continue;
                }
                JsonNode role = root.path("roles").has(r) ? root.path("roles").path(r) : delegations.get(r);
                List<String> keyids = new ArrayList<>();
                if (role != null) {
                    role.path("keyids").forEach(id -> keyids.add(id.asText()));
                }
                out.add(new RoleStatus(r, m.version(), Instant.ofEpochMilli(m.expiresAt()), keyids,
                        role == null ? 1 : role.path("threshold").asInt(1), !r.equals(ROOT),
                        m.body().getBytes(StandardCharsets.UTF_8).length));
            }
            return out;
        });
    }

    /**
     * Seconds until each top-level role's current version expires, and ({@code delegated}) the
     * soonest of the delegated roles'; negative once expired. Empty without a repository.
     */
    public Map<String, Double> secondsLeft() {
        Map<String, Double> out = new TreeMap<>();
        long now = clock.millis();
        for (RoleStatus s : status()) {
            String key = List.of(ROOT, TARGETS, SNAPSHOT, TIMESTAMP).contains(s.role()) ? s.role() : "delegated";
            out.merge(key, (s.expires().toEpochMilli() - now) / 1000.0, Math::min);
        }
        return out;
    }

    /**
     * Roles that are close to expiring: within a day, or within a quarter of their lifetime when
     * that is shorter (the timestamp is signed again when half of its day is left, so it warns only
     * once re-signing has stopped for a quarter of a day).
     */
    public List<RoleStatus> nearExpiry() {
        Instant now = clock.instant();
        List<RoleStatus> out = new ArrayList<>();
        for (RoleStatus s : status()) {
            Duration lifetime = expiries.of(s.role());
            Duration warn = lifetime.dividedBy(4).compareTo(Duration.ofDays(1)) < 0 ? lifetime.dividedBy(4) : Duration.ofDays(1);
            if (Duration.between(now, s.expires()).compareTo(warn) < 0) {
                out.add(s);
            }
        }
        return out;
    }

    // --- keys

    private SigningKey delegatedKey(Handle h, String role, boolean write) {
        List<StoredKey> active = repository.keys(h, role, "active");
        if (active.isEmpty()) {
            if (!write) {
                throw new Pending();
            }
            return newOnlineKey(h, role, "active");
        }
        return open(h, active.getFirst());
    }

    private List<SigningKey> onlineKeys(Handle h, ObjectNode root, String role) {
        List<SigningKey> keys = new ArrayList<>();
        for (JsonNode id : root.path("roles").path(role).path("keyids")) {
            StoredKey k = repository.key(h, id.asText()).orElseThrow(() -> new IllegalStateException(
                    "the root names key " + id.asText() + " for " + role + ", which this server does not hold"));
            if (k.sealedPrivate() != null) {
                keys.add(open(h, k));
            }
        }
        int threshold = root.path("roles").path(role).path("threshold").asInt(1);
        if (keys.size() < threshold) {
            throw new IllegalStateException("this server holds " + keys.size() + " of the " + threshold
                    + " keys that sign " + role);
        }
        return keys;
    }

    private SigningKey newOnlineKey(Handle h, String role, String state) {
        SigningKey key = SigningKey.generate(algorithm);
        repository.insertKey(h, new StoredKey(key.keyid(), role, CanonicalJson.file(key.publicKey().json()),
                seal(h).seal(key.keyid(), key.pkcs8()), state, clock.millis()));
        opened.put(key.keyid(), key);
        return key;
    }

    private SigningKey open(Handle h, StoredKey k) {
        SigningKey known = opened.get(k.keyid());
        if (known != null) {
            return known;
        }
        KeySeal s = seal(h);
        SigningKey key = SigningKey.of(TufKey.parse(parse(k.publicKey())), s.open(k.keyid(), k.sealedPrivate()));
        opened.put(k.keyid(), key);
        return key;
    }

    private KeySeal seal(Handle h) {
        KeySeal s = seal;
        if (s == null) {
            synchronized (this) {
                if (seal == null) {
                    byte[] salt = repository.state(h).orElseThrow(TufService::notInitialized).salt();
                    try {
                        seal = new KeySeal(secret, salt);
                    } catch (IllegalArgumentException e) {
                        throw new DepotException.Invalid("tuf_key_secret", e.getMessage());
                    }
                }
                s = seal;
            }
        }
        return s;
    }

    private void putRole(Handle h, ObjectNode keys, ObjectNode roles, String role, List<?> roleKeys, int threshold) {
        seal(h);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode ids = r.putArray("keyids");
        for (Object o : roleKeys) {
            TufKey k = o instanceof SigningKey s ? s.publicKey() : (TufKey) o;
            ids.add(k.keyid());
            keys.set(k.keyid(), k.json());
            if (role.equals(ROOT) && repository.key(h, k.keyid()).isEmpty()) {
                repository.insertKey(h, new StoredKey(k.keyid(), ROOT, CanonicalJson.file(k.json()), null, "pending",
                        clock.millis()));
            }
        }
        r.put("threshold", threshold);
        roles.set(role, r);
    }

    private static void requireKeys(List<TufKey> keys, int threshold) {
        Set<String> ids = new LinkedHashSet<>();
        keys.forEach(k -> ids.add(k.keyid()));
        if (ids.isEmpty() || ids.size() != keys.size()) {
            throw new DepotException.Invalid("tuf_root_keys", "Name each root key once, at least one.");
        }
        if (threshold < 1 || threshold > ids.size()) {
            throw new DepotException.Invalid("tuf_threshold", "The root threshold must be between 1 and " + ids.size() + ".");
        }
    }

    private ObjectNode rootSigned(long version, ObjectNode keys, ObjectNode roles) {
        ObjectNode signed = JSON.createObjectNode();
        signed.put("_type", ROOT);
        signed.put("spec_version", SPEC_VERSION);
        signed.put("version", version);
        signed.put("expires", EXPIRES.format(clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(expiries.root())));
        signed.put("consistent_snapshot", true);
        signed.set("keys", keys);
        signed.set("roles", roles);
        return signed;
    }

    /** Fails unless a threshold of the keys {@code trusted}'s root role names signed {@code envelope}. */
    private static void requireThreshold(ObjectNode trusted, ObjectNode envelope, String whose) {
        JsonNode role = trusted.path("roles").path(ROOT);
        int threshold = role.path("threshold").asInt(Integer.MAX_VALUE);
        int good = Signatures.count(envelope, trusted.path("keys"), role.path("keyids"));
        if (good < threshold) {
            throw new DepotException.Invalid("tuf_threshold_not_met", "The root is signed by " + good + " of "
                    + whose + " keys; it needs " + threshold + ".");
        }
    }

    // --- JSON

    static String envelope(ObjectNode signed, List<SigningKey> signers) {
        byte[] canonical = CanonicalJson.bytes(signed);
        ArrayNode signatures = JsonNodeFactory.instance.arrayNode();
        for (SigningKey k : signers) {
            signatures.addObject().put("keyid", k.keyid()).put("sig", k.sign(canonical));
        }
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.set("signatures", sorted(signatures));
        envelope.set("signed", signed);
        return CanonicalJson.file(envelope);
    }

    private static ArrayNode sorted(ArrayNode signatures) {
        List<JsonNode> list = new ArrayList<>();
        signatures.forEach(list::add);
        list.sort((a, b) -> a.path("keyid").asText().compareTo(b.path("keyid").asText()));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        list.forEach(out::add);
        return out;
    }

    static ObjectNode parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (!(n instanceof ObjectNode o)) {
                throw new DepotException.Invalid("tuf_json", "TUF metadata is a JSON object.");
            }
            return o;
        } catch (JsonProcessingException e) {
            throw new DepotException.Invalid("tuf_json", "Not JSON: " + e.getOriginalMessage());
        }
    }

    static ObjectNode signedOf(String envelopeText) {
        return (ObjectNode) parse(envelopeText).get("signed");
    }

    private static String digest(ObjectNode body, List<String> signers) {
        ObjectNode copy = body.deepCopy();
        copy.remove(List.of("version", "expires", "spec_version"));
        return sha256((CanonicalJson.string(copy) + "|" + String.join(",", new TreeSet<>(signers))).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DepotException notInitialized() {
        return new DepotException.NotFound("tuf_not_initialized",
                "This Depot has no TUF repository yet; make one with depot tuf init.");
    }
}
