package dev.depot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;

/**
 * The connection pool, the schema and the JDBI handle. SQLite runs in WAL mode with foreign keys
 * and IMMEDIATE transactions, so concurrent writers wait on the busy timeout instead of failing
 * when a read lock cannot be upgraded.
 */
public final class Database implements AutoCloseable {
    /** The version of the newest migration bundled ({@code db/migration/V17__...}). */
    static final int SCHEMA_VERSION = 17;

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(String url, String username, String password, int poolSize) {
        return open(url, username, password, poolSize, Duration.ofSeconds(10));
    }

    /**
     * With {@code timeout} as the bound of every call: a connection from the pool, and on
     * PostgreSQL each statement (the server's {@code statement_timeout}) and each wait for an
     * answer (the driver's socket timeout, a little longer, for a server that stopped answering at
     * all). Migrations run on their own connection, without these bounds.
     */
    public static Database open(String url, String username, String password, int poolSize, Duration timeout) {
        Dialect dialect = Dialect.of(url);
        long ms = Math.max(250, timeout.toMillis());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("depot-db");
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setConnectionTimeout(ms);
        config.setValidationTimeout(Math.max(250, Math.min(ms, 5_000)));
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(url.substring("jdbc:sqlite:".length()));
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sqlite.enforceForeignKeys(true);
            sqlite.setBusyTimeout(30_000); // writers queue for the one write lock; SQLite is in the process, not a backend that stalls
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.setDataSourceProperties(sqlite.toProperties());
        } else {
            if (username != null && !username.isEmpty()) {
                config.setUsername(username);
            }
            if (password != null && !password.isEmpty()) {
                config.setPassword(password);
            }
            long seconds = Math.max(1, (ms + 999) / 1000);
            config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
            config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
            config.addDataSourceProperty("socketTimeout", Long.toString(seconds + 2));
            config.addDataSourceProperty("options", "-c statement_timeout=" + ms);
            config.addDataSourceProperty("tcpKeepAlive", "true");
        }
        migrate(url, username, password, dialect);
        return new Database(new HikariDataSource(config), dialect);
    }

    /**
     * Brings the schema up to date on a connection of its own: a long migration is not a stalled
     * database. A schema already current is left as it is without loading Flyway, which costs a
     * start about a quarter of a second.
     */
    private static void migrate(String url, String username, String password, Dialect dialect) {
        if (isCurrent(url, username, password, dialect)) {
            return;
        }
        Flyway.configure()
                .dataSource(url, username == null ? "" : username, password == null ? "" : password)
                .locations("classpath:db/migration")
                .placeholders(dialect.placeholders())
                .load()
                .migrate();
    }

    /**
     * Whether Flyway's history holds every migration up to {@link #SCHEMA_VERSION}, each once and
     * each applied successfully. Anything else (no history, a failed or missing migration, a newer
     * schema) is Flyway's to judge. Checksums are compared only when Flyway runs, that is, on every
     * start that brings a new migration.
     */
    private static boolean isCurrent(String url, String username, String password, Dialect dialect) {
        Properties properties = new Properties();
        if (username != null && !username.isEmpty()) {
            properties.setProperty("user", username);
        }
        if (password != null && !password.isEmpty()) {
            properties.setProperty("password", password);
        }
        if (dialect == Dialect.POSTGRESQL) { // a stalled server sends the start on to Flyway, which reports it
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("socketTimeout", "10");
        }
        try (Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version),"
                        + " MAX(CAST(version AS INTEGER)), SUM(CASE WHEN success THEN 0 ELSE 1 END)"
                        + " FROM flyway_schema_history WHERE version IS NOT NULL")) {
            return result.next() && result.getInt(1) == SCHEMA_VERSION && result.getInt(2) == SCHEMA_VERSION
                    && result.getInt(3) == SCHEMA_VERSION && result.getInt(4) == 0;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createParentDirectory(String file) {
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database directory " + parent, e);
        }
    }

    public Jdbi jdbi() { return jdbi; }

    public Dialect dialect() { return dialect; }

    /** What {@link #check} found. */
    public enum Health { OK, UNREACHABLE, NOT_WRITABLE }

    /**
     * Whether the database answers and takes a write (a tiny one, in {@code server_settings}),
     * within {@code limit}: a health check must not wait for the pool's whole connection timeout.
     */
    public Health check(Duration limit) {
        var check = CompletableFuture.supplyAsync(() -> {
            try (var c = dataSource.getConnection()) {
                if (!c.isValid(1)) {
                    return Health.UNREACHABLE;
                }
                try (var st = c.prepareStatement("INSERT INTO server_settings (name, value) VALUES ('health.probe', ?) "
                        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
                    st.setString(1, Long.toString(System.currentTimeMillis()));
                    st.executeUpdate();
                    return Health.OK;
                } catch (SQLException e) {
                    return Health.NOT_WRITABLE;
                }
            } catch (Exception e) {
                return Health.UNREACHABLE;
            }
        }, CHECKS);
        try {
            return check.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return Health.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.UNREACHABLE;
        }
    }

    /** Whether the database answers within two seconds. */
    public boolean isReachable() {
        return check(Duration.ofSeconds(2)) != Health.UNREACHABLE;
    }

    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "database-check");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void close() {
        dataSource.close();
    }
}
