package dev.depot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        Dialect dialect = Dialect.of(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("depot-db");
        config.setMaximumPoolSize(Math.max(2, poolSize));
        config.setConnectionTimeout(10_000);
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(url.substring("jdbc:sqlite:".length()));
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sqlite.enforceForeignKeys(true);
            sqlite.setBusyTimeout(30_000);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.setDataSourceProperties(sqlite.toProperties());
        } else {
            if (username != null && !username.isEmpty()) {
                config.setUsername(username);
            }
            if (password != null && !password.isEmpty()) {
                config.setPassword(password);
            }
        }
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .placeholders(dialect.placeholders())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, dialect);
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

    /** True when a trivial query answers within a second; used by {@code /readyz}. */
    /**
     * Whether the database answers within two seconds (a health check must not wait for the
     * pool's whole connection timeout).
     */
    public boolean isReachable() {
        var check = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (var c = dataSource.getConnection()) {
                return c.isValid(1);
            } catch (Exception e) {
                return false;
            }
        }, CHECKS);
        try {
            return check.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final java.util.concurrent.ExecutorService CHECKS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "database-check");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void close() {
        dataSource.close();
    }
}
