package dev.depot.support;

import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.server.Depot;
import dev.depot.server.DepotServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Collectors;

/** A real Depot server on 127.0.0.1 and a free port, over a temporary data directory. */
public final class TestServer implements AutoCloseable {
    private final Path dataDir;
    private final String databaseUrl;
    private final Backend backend;
    private DepotServer server;
    private boolean ownsDataDir;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Map<Setting, String> extra = Map.of();

    private TestServer(Backend backend, Path dataDir, String databaseUrl, Clock clock, Map<Setting, String> extra) {
        this.backend = backend;
        this.dataDir = dataDir;
        this.databaseUrl = databaseUrl;
        start(clock, extra);
    }

    /** A server over a temporary data directory of its own, deleted when the server closes. */
    public static TestServer start(Backend backend) {
        return start(backend, Map.of());
    }

    /** A server in a temporary data directory of its own, removed when it closes, with these settings. */
    public static TestServer start(Backend backend, Map<Setting, String> extra) {
        try {
            TestServer s = start(backend, java.nio.file.Files.createTempDirectory("depot-test-"), Clock.systemUTC(), extra);
            s.ownsDataDir = true;
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on this database and store, in a temporary data directory of its own. */
    public static TestServer start(Stack stack) {
        return start(stack.database(), stack.storeSettings());
    }

    public static TestServer start(Backend backend, Path dataDir) {
        return start(backend, dataDir, Clock.systemUTC(), Map.of());
    }

    public static TestServer start(Backend backend, Path dataDir, Clock clock, Map<Setting, String> extra) {
        return new TestServer(backend, dataDir, backend.newDatabaseUrl(dataDir), clock, extra);
    }

    public Settings settings() {
        return Settings.defaults().with(Setting.PORT, "0").with(Setting.DATA, dataDir.toString())
                .with(Setting.DATABASE_URL, databaseUrl).with(Setting.LOGIN_MAX_FAILURES, "1000");
    }

    private void start(Clock clock, Map<Setting, String> extra) {
        this.extra = Map.copyOf(extra);
        Settings s = settings();
        for (var e : extra.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        // PostgreSQL and S3 need the public address before the server starts: pick its port first
        boolean shared = s.databaseUrl().startsWith("jdbc:postgresql:") || s.get(Setting.STORAGE).equalsIgnoreCase("s3");
        if (shared && s.get(Setting.PUBLIC_URL).isBlank()) {
            int port = freePort();
            s = s.with(Setting.PORT, Integer.toString(port)).with(Setting.PUBLIC_URL, "http://127.0.0.1:" + port);
        }
        try {
            server = DepotServer.start(s, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another node: a second server on the same data directory and database. */
    public static TestServer secondNode(TestServer first, Clock clock, Map<Setting, String> extra) {
        return new TestServer(first.backend, first.dataDir, first.databaseUrl, clock, extra);
    }

    /** Another node with a data directory of its own: shares only the database (and S3, when in {@code extra}). */
    public static TestServer node(TestServer first, Path dataDir, Clock clock, Map<Setting, String> extra) {
        return new TestServer(first.backend, dataDir, first.databaseUrl, clock, extra);
    }

    /** Stops the server and starts a new one on the same data directory, database and store. */
    public void restart() {
        server.close();
        start(Clock.systemUTC(), extra);
    }

    /** Waits until every queued job (inspections, index rebuilds) is done, up to ten seconds. */
    public void awaitNoJobs() {
        awaitTrue("jobs still pending", () -> depot().database().jdbi().withHandle(h ->
                h.createQuery("SELECT COUNT(*) FROM jobs WHERE state <> 'done'").mapTo(Long.class).one()) == 0);
    }

    /**
     * Waits up to ten seconds for something the server records after the client already has its
     * answer, such as a request's metrics, then fails with {@code what}.
     */
    public static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " after 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public Backend backend() { return backend; }

    public Path dataDir() { return dataDir; }

    public Depot depot() { return server.depot(); }

    public DepotServer server() { return server; }

    public String url(String path) {
        return server.publicUrl() + path;
    }

    /** Creates a user with a password and returns a token with the given scopes. */
    public String userWithToken(String username, boolean admin, Scope... scopes) {
        User u = depot().auth().findUser(username)
                .orElseGet(() -> depot().auth().createUser(username, "password-" + username, admin));
        EnumSet<Scope> set = EnumSet.noneOf(Scope.class);
        set.addAll(java.util.List.of(scopes));
        return depot().auth().createToken(u, "test", set, null).secret();
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), headers);
    }

    public HttpResponse<String> postForm(String path, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String[] all = concat(headers, "Content-Type", "application/x-www-form-urlencoded");
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body)), all);
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        String[] all = concat(headers, "Content-Type", "application/json");
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(json)), all);
    }

    public HttpResponse<String> send(String method, String path, String json, String... headers) {
        String[] all = concat(headers, "Content-Type", "application/json");
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)), all);
    }

    /** The HTTP client the helpers use (no redirects followed), for other body handlers. */
    public HttpClient client() {
        return http;
    }

    public HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String[] auth(String token) {
        return new String[] {"Authorization", "Token " + token};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
        if (ownsDataDir) {
            try (var files = java.nio.file.Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary directory is harmless
            }
        }
    }
}
