package dev.depot.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Depot servers sharing one database, so that what a node holds (an upload it is completing)
 * is released as soon as that node is gone. A node is live while its row exists and its heartbeat
 * is fresh. Whether a process on this host still exists is known at once (its pid and start time),
 * so a node that starts again after {@code kill -9} removes its predecessor's row before serving;
 * a node on another host is gone once its heartbeat is older than {@link #STALE_AFTER}.
 */
public final class NodeRegistry implements AutoCloseable {
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration STALE_AFTER = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Identity me;
    private final Path dataDir;
    private ScheduledExecutorService heartbeats;

    /** A process: where it runs, its pid, and when it started (a reused pid has another start). */
    public record Identity(String id, String host, long pid, long startedAt) {
        public static Identity ofThisProcess() {
            ProcessHandle self = ProcessHandle.current();
            long pid = self.pid();
            String host = hostName();
            return new Identity(host + "/" + pid + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL),
                    host, pid, startOf(self).orElse(0L));
        }
    }

    public NodeRegistry(Jdbi jdbi, Clock clock, Identity me, Path dataDir) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.me = me;
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public String nodeId() { return me.id(); }

    /**
     * Writes this node's row, removes the rows of nodes that are gone, and keeps the heartbeat
     * beating until {@link #close()}.
     */
    public synchronized void join() {
        removeGone();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO nodes (id, host, pid, started_at, data_dir, heartbeat_at) "
                        + "VALUES (:id, :host, :pid, :start, :dir, :now)")
                .bind("id", me.id()).bind("host", me.host()).bind("pid", me.pid()).bind("start", me.startedAt())
                .bind("dir", dataDir.toString()).bind("now", clock.millis()).execute());
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "depot-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = HEARTBEAT.toMillis();
        heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Refreshes this node's heartbeat (and writes its row again if another node removed it). */
    void beat() {
        try {
            long now = clock.millis();
            int n = jdbi.withHandle(h -> h.createUpdate("UPDATE nodes SET heartbeat_at = :now WHERE id = :id")
                    .bind("now", now).bind("id", me.id()).execute());
            if (n == 0) {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO nodes (id, host, pid, started_at, data_dir, heartbeat_at) "
                                + "VALUES (:id, :host, :pid, :start, :dir, :now) ON CONFLICT (id) DO NOTHING")
                        .bind("id", me.id()).bind("host", me.host()).bind("pid", me.pid()).bind("start", me.startedAt())
                        .bind("dir", dataDir.toString()).bind("now", now).execute());
            }
            removeGone();
        } catch (RuntimeException e) {
            log.warn("node heartbeat failed: {}", e.toString());
        }
    }

    /** The oldest heartbeat a live node may have now; SQL compares {@code nodes.heartbeat_at} with it. */
    public long liveSince() {
        return clock.millis() - STALE_AFTER.toMillis();
    }

    /** Whether another live node on this host works in the same data directory (its temporary files are in use). */
    public boolean sharesDataDirectory() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM nodes WHERE id <> :id AND host = :host "
                        + "AND data_dir = :dir AND heartbeat_at >= :live")
                .bind("id", me.id()).bind("host", me.host()).bind("dir", dataDir.toString()).bind("live", liveSince())
                .mapTo(Integer.class).one()) > 0;
    }

    /** Deletes the rows of nodes that are gone: processes of this host that no longer exist, and stale heartbeats. */
    int removeGone() {
        record Row(String id, long pid, long startedAt) {}
        List<Row> local = jdbi.withHandle(h -> h.createQuery("SELECT id, pid, started_at FROM nodes WHERE host = :host "
                        + "AND id <> :id")
                .bind("host", me.host()).bind("id", me.id())
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getLong(2), rs.getLong(3))).list());
        int removed = 0;
        for (Row r : local) {
            if (!alive(r.pid(), r.startedAt())) {
                removed += delete(r.id());
                log.info("node {} is no longer running; what it held is released", r.id());
            }
        }
        long stale = liveSince();
        removed += jdbi.withHandle(h -> h.createUpdate("DELETE FROM nodes WHERE heartbeat_at < :stale AND id <> :id")
                .bind("stale", stale).bind("id", me.id()).execute());
        return removed;
    }

    private int delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
    }

    /** Whether the process with this pid that started at {@code startedAt} still runs on this host. */
    static boolean alive(long pid, long startedAt) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        return startOf(p.get()).map(s -> s == startedAt).orElse(true);
    }

    private static Optional<Long> startOf(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Stops the heartbeat and removes this node's row: what it held is free at once. */
    @Override
    public synchronized void close() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            heartbeats = null;
        }
        try {
            delete(me.id());
        } catch (RuntimeException e) {
            log.warn("could not remove node {}: {}", me.id(), e.toString());
        }
    }
}
