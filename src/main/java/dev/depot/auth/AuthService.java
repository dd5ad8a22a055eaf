package dev.depot.auth;

import dev.depot.core.DepotException.Unauthenticated.Kind;
import dev.depot.core.DepotException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, passwords and API tokens. Token secrets carry 256 random bits and are stored only as
 * their SHA-256 (a fast hash is enough for secrets of that entropy; passwords get Argon2id).
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}");
    private static final String TOKEN_PREFIX = "dpt_";
    /** Token use is recorded at most this often per token, to keep reads from turning into writes. */
    private static final long TOUCH_INTERVAL_MS = 60_000;
    /**
     * How long a token found valid is taken on trust without asking the database again. A change
     * made through this service (revocation, deactivation) applies at once on this node; one made
     * elsewhere (another node, the CLI) within this time.
     */
    private static final long TRUST_NANOS = 1_000_000_000L;
    private static final int TRUST_MAX_ENTRIES = 10_000;

    private record Trusted(ApiToken token, User user, long sinceNanos) {}

    private final ConcurrentHashMap<String, Trusted> trusted = new ConcurrentHashMap<>();

    private final Clock clock;
    private final UserRepository users;
    private final TokenRepository tokens;
    private final PasswordHasher hasher = new PasswordHasher();
    private final LoginThrottle throttle;
    private final Duration loginTokenTtl;
    private final SecureRandom random = new SecureRandom();

    public AuthService(UserRepository users, TokenRepository tokens, Clock clock, Duration loginTokenTtl, int maxLoginFailures,
                       Duration loginWindow) {
        this.clock = clock;
        this.users = users;
        this.tokens = tokens;
        this.loginTokenTtl = loginTokenTtl;
        this.throttle = new LoginThrottle(clock, maxLoginFailures, loginWindow);
    }

    public User createUser(String username, String password, boolean admin) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new DepotException.Invalid("invalid_username",
                    "A username is 1-64 characters: letters, digits and _ . @ + - (starting with a letter or digit).");
        }
        if (findUser(username).isPresent()) { // what is wrong first: the name is taken, whatever the password
            throw new DepotException.Conflict("duplicate_user", "A user named '" + username + "' already exists.");
        }
        if (password != null && password.length() < 8) {
            throw new DepotException.Invalid("weak_password", "A password needs at least 8 characters.");
        }
        String hash = password == null ? null : hasher.hash(password);
        try {
            long id = users.insert(username, hash, admin, clock.millis());
            return users.byId(id).orElseThrow();
        } catch (UnableToExecuteStatementException e) {
            throw new DepotException.Conflict("duplicate_user", "A user named '" + username + "' already exists.");
        }
    }

    public void setPassword(String username, String password) {
        if (password == null || password.length() < 8) {
            throw new DepotException.Invalid("weak_password", "A password needs at least 8 characters.");
        }
        users.setPassword(requireUser(username).id(), hasher.hash(password));
        trusted.clear();
    }

    public void updateProfile(String username, String displayName, String bio, String profilePicture,
                              String contactUrl, boolean active) {
        users.updateProfile(requireUser(username).id(), displayName, bio, profilePicture, contactUrl, active);
        trusted.clear();
    }

    /**
     * Makes a user an admin or not, and active or not (null keeps the current value). The last
     * active admin cannot be demoted or deactivated: someone must be able to manage the server.
     */
    public User setAccess(String username, Boolean admin, Boolean active) {
        User u = requireUser(username);
        boolean newAdmin = admin == null ? u.admin() : admin;
        boolean newActive = active == null ? u.active() : active;
        if (u.admin() && u.active() && !(newAdmin && newActive)
                && users.all().stream().filter(x -> x.admin() && x.active()).count() <= 1) {
            throw new DepotException.Invalid("last_admin", "This is the last active admin; make another admin first.");
        }
        users.setAccess(u.id(), newAdmin, newActive);
        trusted.clear();
        return users.byId(u.id()).orElseThrow();
    }

    public Optional<User> findUser(String username) {
        return isPossibleUsername(username) ? users.byUsername(username) : Optional.empty();
    }

    private static boolean isPossibleUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    public Optional<User> findUser(long id) {
        return users.byId(id);
    }

    public User requireUser(String username) {
        return findUser(username).orElseThrow(() ->
                new DepotException.NotFound("unknown_user", "The user '" + username + "' does not exist."));
    }

    public List<User> listUsers() {
        return users.all();
    }

    /**
     * Checks a password and, when it is right, issues a token with the given scopes. Failures are
     * throttled per username and per client address.
     *
     * @return the token, or empty when the credentials are wrong
     */
    public Optional<IssuedToken> login(String username, String password, String clientAddress, Set<Scope> scopes) {
        return checkPassword(username, password, clientAddress)
                .map(u -> createToken(u, "login", scopes, loginTokenTtl));
    }

    /** The name of the tokens behind web sessions. */
    public static final String SESSION_TOKEN_NAME = "web session";

    /**
     * Signs a browser in: checks the password as {@link #login} does (throttled alike) and issues
     * a session token that may do what the user may: read, upload, publish, and admin for admins.
     */
    public Optional<IssuedToken> signIn(String username, String password, String clientAddress, Duration ttl) {
        return checkPassword(username, password, clientAddress).map(u -> {
            Set<Scope> scopes = EnumSet.of(Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
            if (u.admin()) {
                scopes.add(Scope.ADMIN);
            }
            return issue(u, SESSION_TOKEN_NAME, scopes, ttl, null);
        });
    }

    /** The active user whose password this is; failures are throttled per username and client address. */
    private Optional<User> checkPassword(String username, String password, String clientAddress) {
        throttle.check(username, clientAddress);
        Optional<User> user = findUser(username).filter(User::active);
        String hash = user.flatMap(u -> users.passwordHash(u.id())).orElse(null);
        if (!hasher.verify(password, hash) || user.isEmpty()) {
            throttle.recordFailure(username, clientAddress);
            return Optional.empty();
        }
        throttle.recordSuccess(username, clientAddress);
        users.touchLogin(user.get().id(), clock.millis());
        return user;
    }

    /**
     * Forgets web sessions that ended (expired or signed out) more than a day ago, so signing in
     * every day does not grow the token table; API tokens are kept, revoked or not, for the record.
     */
    public int removeEndedSessions() {
        return tokens.deleteEnded(SESSION_TOKEN_NAME, clock.millis() - Duration.ofDays(1).toMillis());
    }

    /** Ends a session: its token is revoked, so the cookie is worth nothing even if kept. */
    public void signOut(String secret) {
        if (secret != null && !secret.isBlank()) {
            tokens.byHash(digest(secret.trim())).ifPresent(t -> revokeToken(t.id()));
        }
    }

    public IssuedToken createToken(User user, String name, Set<Scope> scopes, Duration expiresIn) {
        return createToken(user, name, scopes, expiresIn, null);
    }

    /** A token; with {@code appId}, one bound to that app (the caller checks the user may use the app). */
    public IssuedToken createToken(User user, String name, Set<Scope> scopes, Duration expiresIn, Long appId) {
        if (SESSION_TOKEN_NAME.equalsIgnoreCase(name == null ? "" : name.trim())) {
            throw new DepotException.Invalid("reserved_name", "'" + SESSION_TOKEN_NAME + "' names the tokens of web sign-ins; pick another name.");
        }
        return issue(user, name, scopes, expiresIn, appId);
    }

    private IssuedToken issue(User user, String name, Set<Scope> scopes, Duration expiresIn, Long appId) {
        if (scopes.contains(Scope.ADMIN) && !user.admin()) {
            throw new DepotException.Forbidden("insufficient_permissions", "Only admins can hold the admin scope.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.millis();
        Long expiresAt = expiresIn == null ? null : now + expiresIn.toMillis();
        ApiToken token = tokens.insert(user.id(), digest(secret), name, Scope.format(scopes), now, expiresAt, appId);
        return new IssuedToken(secret, token);
    }

    public List<ApiToken> listTokens(String username) {
        return tokens.byUser(requireUser(username).id());
    }

    public boolean revokeToken(long tokenId) {
        boolean revoked = tokens.revoke(tokenId, clock.millis());
        trusted.clear();
        return revoked;
    }

    /** Resolves a presented token secret to its principal. */
    public Principal authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new DepotException.Unauthenticated(Kind.MISSING);
        }
        String hash = digest(secret.trim());
        long nanos = System.nanoTime();
        Trusted known = trusted.get(hash);
        if (known == null || nanos - known.sinceNanos() > TRUST_NANOS) {
            ApiToken token = tokens.byHash(hash)
                    .filter(t -> t.revokedAt() == null)
                    .orElseThrow(() -> new DepotException.Unauthenticated(Kind.INVALID));
            User u = users.byId(token.userId()).filter(User::active)
                    .orElseThrow(() -> new DepotException.Unauthenticated(Kind.INVALID));
            if (trusted.size() >= TRUST_MAX_ENTRIES) {
                trusted.clear();
            }
            known = new Trusted(token, u, nanos);
            trusted.put(hash, known);
        }
        ApiToken token = known.token();
        User user = known.user();
        long now = clock.millis();
        if (token.expiresAt() != null && token.expiresAt() <= now) {
            throw new DepotException.Unauthenticated(Kind.EXPIRED);
        }
        if (token.lastUsedAt() == null || now - token.lastUsedAt() > TOUCH_INTERVAL_MS) {
            try {
                tokens.touch(token.id(), now);
            } catch (RuntimeException e) {
                // when last used is a note, not a rule: a database that cannot write (a full disk) still serves reads
                log.warn("could not record the use of token {}: {}", token.id(), e.getMessage());
            }
            trusted.replace(hash, known, new Trusted(token.usedAt(now), user, known.sinceNanos()));
        }
        Set<Scope> scopes = EnumSet.copyOf(token.scopes());
        if (!user.admin()) {
            scopes.remove(Scope.ADMIN);
        }
        return new Principal(user.id(), user.username(), user.admin(), scopes, token.id(), token.appId());
    }

    static String digest(String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
