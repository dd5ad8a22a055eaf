package dev.depot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
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

    /** Brings the schema up to date on a connection of its own: a long migration is not a stalled database. */
    private static void migrate(String url, String username, String password, Dialect dialect) {
        Flyway.configure()
                .dataSource(url, username == null ? "" : username, password == null ? "" : password)
                .locations("classpath:db/migration")
                .placeholders(dialect.placeholders())
                .load()
                .migrate();
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
