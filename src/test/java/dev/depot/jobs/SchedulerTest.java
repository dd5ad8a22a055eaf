package dev.depot.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.db.Database;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Periodic tasks run once per period however many nodes share the database. */
@ParameterizedClass
@EnumSource(Backend.class)
class SchedulerTest {
    @Parameter
    Backend backend;
    Database db;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(backend.newDatabaseUrl(Files.createTempDirectory("depot-schedule")), "", "", 10);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void ofNodesRacingForOnePeriodExactlyOneWins() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        List<Scheduler> nodes = List.of(new Scheduler(db.jdbi(), clock, "a"), new Scheduler(db.jdbi(), clock, "b"),
                new Scheduler(db.jdbi(), clock, "c"), new Scheduler(db.jdbi(), clock, "d"));
        nodes.getFirst().every("cleanup", Duration.ofHours(1), () -> { });
        try (ExecutorService pool = Executors.newFixedThreadPool(nodes.size())) {
            for (int period = 1; period <= 20; period++) {
                clock.advance(Duration.ofHours(1));
                CyclicBarrier start = new CyclicBarrier(nodes.size());
                List<Future<Boolean>> won = new ArrayList<>();
                for (Scheduler node : nodes) {
                    won.add(pool.submit(() -> {
                        start.await();
                        return node.claim("cleanup", Duration.ofHours(1).toMillis());
                    }));
                }
                int winners = 0;
                for (Future<Boolean> w : won) {
                    winners += w.get() ? 1 : 0;
                }
                assertThat(winners).as("winners of period %d", period).isEqualTo(1);
                assertThat(nodes.get(period % 4).claim("cleanup", Duration.ofHours(1).toMillis()))
                        .as("a second claim in the same period").isFalse();
            }
        } finally {
            nodes.forEach(Scheduler::close);
        }
    }

    @Test
    void twoNodesRunATaskOncePerPeriodBetweenThem() throws Exception {
        List<String> runs = new CopyOnWriteArrayList<>();
        Scheduler a = new Scheduler(db.jdbi(), Clock.systemUTC(), "a");
        Scheduler b = new Scheduler(db.jdbi(), Clock.systemUTC(), "b");
        try {
            a.every("feed", Duration.ofSeconds(1), () -> runs.add("a"));
            b.every("feed", Duration.ofSeconds(1), () -> runs.add("b"));
            Thread.sleep(4_400);
        } finally {
            a.close();
            b.close();
        }
        // four whole periods passed: one run each, whichever node got it (not one per node)
        assertThat(runs).hasSizeBetween(3, 4);
    }
}
