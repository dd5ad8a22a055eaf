package dev.depot.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ota.OtaBuild;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import dev.depot.support.RomDevice;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Counts and charts read per-day rows kept with the events (not every event), and stay exact: a
 * period that starts mid-day counts that day's events one by one; the migration that fills the
 * days from earlier events gives the rows the writer keeps.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class DownloadDaysTest {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T22:00:00Z"));
    TestServer server;
    OtaBuild build;

    @BeforeEach
    void start() {
        server = TestServer.start(backend, dir.resolve("data"), clock, Map.of());
        build = new RomDevice(server).published("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", 1);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> days() {
        return server.depot().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT day, n FROM download_days WHERE build_id = :b AND download_type = 'download' ORDER BY day")
                .bind("b", build.id()).map((rs, ctx) -> rs.getLong(1) + ":" + rs.getLong(2)).list());
    }

    /** The download rows per hour, as hour of day and count. */
    private List<String> hours() {
        return server.depot().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT hour, n FROM download_hours WHERE download_type = 'download' ORDER BY hour")
                .map((rs, ctx) -> (rs.getLong(1) % 24) + ":" + rs.getLong(2)).list());
    }

    @Test
    void countsAcrossADayBoundaryAreExactAndReadFromDays() throws Exception {
        DownloadCounter counter = server.depot().downloads();
        for (int i = 0; i < 3; i++) {
            counter.countDownload(build.id(), DownloadType.DOWNLOAD); // 22:00 on the 30th
        }
        clock.advance(Duration.ofMinutes(90)); // 23:30
        counter.countDownload(build.id(), DownloadType.DOWNLOAD);
        counter.flush();
        clock.advance(Duration.ofHours(1)); // 00:30 on the 1st
        counter.countDownload(build.id(), DownloadType.DOWNLOAD);
        counter.countDownload(build.id(), DownloadType.UPDATE);
        counter.countDownload(build.id(), DownloadType.DOWNLOAD);
        counter.flush();
        clock.advance(Duration.ofMinutes(30)); // 01:00

        long nov30 = LocalDate.parse("2026-11-30").toEpochDay();
        assertThat(days()).containsExactly(nov30 + ":4", (nov30 + 1) + ":2");
        assertThat(hours()).containsExactly("22:3", "23:1", "0:2");
        assertThat(counter.countSince(Duration.ofHours(2))).isEqualTo(4);
        assertThat(counter.countSince(Duration.ofMinutes(45))).isEqualTo(3); // from 00:15: inside the hour, event by event // from 23:00: one on the 30th, three on the 1st
        assertThat(counter.countSince(Duration.ofHours(4))).isEqualTo(7);
        assertThat(counter.countSince(null)).isEqualTo(7);
        assertThat(counter.countOfBuild(build.id(), DownloadType.DOWNLOAD)).isEqualTo(6);
        assertThat(counter.countOfBuild(build.id(), DownloadType.UPDATE)).isEqualTo(1);
        assertThat(counter.daily(DownloadCounter.StatsFilter.everything(), 2)).containsExactly(
                new DownloadCounter.Day(LocalDate.parse("2026-11-30"), 4, 0),
                new DownloadCounter.Day(LocalDate.parse("2026-12-01"), 2, 1));
        assertThat(counter.top(DownloadCounter.StatsFilter.everything(), 1, 5))
                .containsExactly(new DownloadCounter.TopBuild(build.id(), build.fileName(), 2, 1));

        // the migrations' fills, run again over the events, give the same rows
        for (String[] m : new String[][] {{"V15__download_days.sql", "download_days"}, {"V16__download_hours.sql", "download_hours"}}) {
            String migration = Files.readString(Path.of("src/main/resources/db/migration/" + m[0]));
            String fill = migration.substring(migration.indexOf("INSERT INTO " + m[1]));
            server.depot().database().jdbi().useHandle(h -> {
                h.execute("DELETE FROM " + m[1]);
                h.execute(fill.strip().replaceAll(";$", ""));
            });
        }
        assertThat(days()).containsExactly(nov30 + ":4", (nov30 + 1) + ":2");
        assertThat(hours()).containsExactly("22:3", "23:1", "0:2");
        assertThat(counter.countSince(null)).isEqualTo(7);
    }
}
