package dev.depot.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.core.DepotException;
import dev.depot.ota.DeviceService;
import dev.depot.ota.OtaBuild;
import dev.depot.ota.RomBuildService;
import dev.depot.server.Depot;
import dev.depot.support.Backend;
import dev.depot.support.RomBuilds;
import dev.depot.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Channels, staged releases, reports and the halt rule of ROM builds, at the service level on both
 * databases: what a phone is offered as releases are created, promoted, staged, paused, halted and
 * rolled back.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ReleaseServiceTest {
    @Parameter
    Backend backend;
    Depot depot;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    Principal maintainer;
    ReleaseService releases;
    Installations installations;
    ReleaseTarget sunfish;
    OtaBuild january;
    OtaBuild february;
    OtaBuild march;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("depot-releases");
        depot = Depot.open(Settings.defaults().with(Setting.DATA, dir.toString())
                .with(Setting.DATABASE_URL, backend.newDatabaseUrl(dir))
                .with(Setting.UPDATER_CACHE_TTL, "0s")
                .with(Setting.REPORTS_PER_MINUTE, "10"), clock);
        User mark = depot.auth().createUser("mark", "a-long-enough-password", false);
        maintainer = depot.auth().authenticate(depot.auth().createToken(mark, "t", EnumSet.of(Scope.READ, Scope.UPLOAD,
                Scope.PUBLISH), Duration.ofHours(1)).secret());
        DeviceService devices = depot.ota().devices();
        devices.addDevice("sunfish", "Pixel 4a", "Google");
        devices.addVariant("gapps", "With Google apps", null);
        devices.addVariant("vanilla", "Without Google apps", null);
        devices.addMaintainer("sunfish", "mark");
        january = upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", 1);
        february = upload("Bliss-v1.1-sunfish-OFFICIAL-gapps-20240201.zip", 2);
        march = upload("Bliss-v1.2-sunfish-OFFICIAL-gapps-20240301.zip", 3);
        releases = depot.releases().service();
        installations = depot.releases().installations();
        sunfish = releases.managedDevice(maintainer, "sunfish");
    }

    @AfterEach
    void close() {
        depot.close();
    }

    private OtaBuild upload(String name, long seed) {
        return RomBuilds.upload(depot, maintainer, name, seed);
    }

    private Release release(String channel, OtaBuild build, int basisPoints) {
        return releases.create(maintainer, sunfish, new ReleaseService.NewRelease(channel, build.id(), basisPoints, false,
                HaltRule.DEFAULT));
    }

    /** The build ids an installation is offered on a channel (null: the default one), newest first. */
    private List<Long> offered(String channel, String installation) {
        RomBuildService.UpdaterRequest request = depot.ota().builds().updaterRequest("sunfish", "gapps", null);
        return depot.releases().roms().offer(request, channel, new Asker(installation, null))
                .map(o -> depot.releases().roms().builds(o).stream().map(OtaBuild::id).toList())
                .orElseThrow();
    }

    @Test
    void withoutReleasesEveryPublishedBuildIsOfferedAsBefore() {
        RomBuildService.UpdaterRequest request = depot.ota().builds().updaterRequest("sunfish", "gapps", null);
        assertThat(depot.releases().roms().offer(request, "beta", new Asker("phone-1", null))).isEmpty();
        assertThat(depot.ota().builds().updaterBuilds(request)).extracting(OtaBuild::id)
                .containsExactly(march.id(), february.id(), january.id());
    }

    @Test
    void aDeviceOnBetaIsOfferedTheNewestOfBetaAndStableAndOnStableOnlyStable() {
        release("stable", january, Rollout.ALL);
        release("beta", february, Rollout.ALL);

        assertThat(releases.channels(sunfish)).extracting(Channel::name, Channel::stability, Channel::isDefault)
                .containsExactly(tuple("stable", 0, true),
                        tuple("beta", 1, false),
                        tuple("nightly", 2, false));
        assertThat(offered(null, "phone-1")).containsExactly(january.id());
        assertThat(offered("stable", "phone-1")).containsExactly(january.id());
        assertThat(offered("beta", "phone-1")).containsExactly(february.id(), january.id());
        assertThat(offered("nightly", "phone-1")).containsExactly(february.id(), january.id());
        assertThatThrownBy(() -> offered("canary", "phone-1")).isInstanceOfSatisfying(DepotException.NotFound.class,
                e -> assertThat(e.reason()).isEqualTo("unknown_channel"));

        // promoting beta's build to stable changes no byte: the same build, a new release
        Release beta = releases.releases(sunfish, "beta", null, 10).getFirst();
        Release promoted = releases.promote(maintainer, sunfish, beta.id(), "stable", Rollout.ALL);
        assertThat(promoted.buildId()).isEqualTo(february.id());
        assertThat(offered("stable", "phone-1")).containsExactly(february.id());
    }

    @Test
    void aStagedReleaseReachesItsShareAndRollingBackOffersThePreviousOneAgain() {
        release("stable", january, Rollout.ALL);
        Release staged = release("stable", february, 2500);
        int reached = 0;
        for (int i = 0; i < 400; i++) {
            List<Long> offer = offered(null, "phone-" + i);
            assertThat(offer).hasSize(1);
            reached += offer.getFirst() == february.id() ? 1 : 0;
            assertThat(offered(null, "phone-" + i)).as("the same answer twice").isEqualTo(offer);
        }
        assertThat(reached).isBetween(60, 140);

        releases.pause(maintainer, sunfish, staged.id());
        assertThat(offered(null, "phone-0")).containsExactly(january.id());
        assertThat(offered(null, "phone-1")).containsExactly(january.id());
        releases.resume(maintainer, sunfish, staged.id());
        releases.complete(maintainer, sunfish, staged.id());
        for (int i = 0; i < 20; i++) {
            assertThat(offered(null, "phone-" + i)).containsExactly(february.id());
        }

        Release back = releases.rollback(maintainer, sunfish, staged.id());
        assertThat(back.state()).isEqualTo(ReleaseState.ROLLED_BACK);
        assertThat(offered(null, "phone-0")).containsExactly(january.id());
        assertThat(releases.events(sunfish, staged.id())).extracting(ReleaseEvent::kind)
                .containsExactly("created", "paused", "resumed", "completed", "rolled_back");
    }

    @Test
    void aBuildOfAnotherVariantIsNotOfferedAndADisabledBuildNeither() throws Exception {
        OtaBuild vanilla = upload("Bliss-v1.3-sunfish-OFFICIAL-vanilla-20240401.zip", 4);
        release("stable", january, Rollout.ALL);
        release("stable", vanilla, Rollout.ALL);
        assertThat(offered(null, "phone-1")).as("the gapps variant's newest release").containsExactly(january.id());

        release("stable", february, Rollout.ALL);
        depot.ota().builds().setBuildEnabled(maintainer, february.id(), false);
        assertThat(offered(null, "phone-1")).containsExactly(january.id());
    }

    @Test
    void onlyAPublishedBuildOfTheDeviceCanBeReleased() {
        depot.ota().builds().setBuildEnabled(maintainer, march.id(), false);
        assertThatThrownBy(() -> release("stable", march, Rollout.ALL))
                .isInstanceOfSatisfying(DepotException.Conflict.class, e -> assertThat(e.reason()).isEqualTo("build_not_published"));
        assertThatThrownBy(() -> releases.create(maintainer, sunfish,
                new ReleaseService.NewRelease("stable", 999_999, Rollout.ALL, false, HaltRule.DEFAULT)))
                .isInstanceOfSatisfying(DepotException.NotFound.class, e -> assertThat(e.reason()).isEqualTo("unknown_build"));
        assertThatThrownBy(() -> release("canary", january, Rollout.ALL)).as("no such channel, and not a standard one")
                .isInstanceOfSatisfying(DepotException.NotFound.class, e -> assertThat(e.reason()).isEqualTo("unknown_channel"));
    }

    private Standing report(String installation, Release r, ReportStep step, FailureReason reason) {
        Installation i = installations.contact(sunfish, installation, null);
        return installations.report(i, new Installations.NewReport(r.id(), step, null, reason, null, null));
    }

    @Test
    void failuresAboveTheThresholdHaltTheReleaseAndFailedDevicesAreNotOfferedItAgain() {
        release("stable", january, Rollout.ALL);
        Release bad = releases.create(maintainer, sunfish, new ReleaseService.NewRelease("stable", february.id(), Rollout.ALL,
                false, new HaltRule(500, 10)));
        for (int i = 0; i < 6; i++) {
            report("ok-" + i, bad, ReportStep.INSTALLED, null);
        }
        report("bad-0", bad, ReportStep.DOWNLOADING, null);
        report("bad-0", bad, ReportStep.FAILED, FailureReason.INSTALL_FAILED);
        assertThat(offered(null, "bad-0")).as("a failed device is not offered the release again").containsExactly(january.id());
        assertThat(offered(null, "ok-0")).containsExactly(february.id());
        report("bad-1", bad, ReportStep.FAILED, FailureReason.INSTALL_FAILED);
        report("bad-2", bad, ReportStep.FAILED, FailureReason.BOOT_FAILED);
        Release now = releases.release(sunfish, bad.id());
        assertThat(now.state()).as("9 finished: below the minimum of 10").isEqualTo(ReleaseState.ROLLING);

        report("bad-3", bad, ReportStep.FAILED, FailureReason.VERIFICATION_FAILED);
        now = releases.release(sunfish, bad.id());
        assertThat(now.state()).isEqualTo(ReleaseState.HALTED);
        assertThat(now.haltReason()).startsWith("4 of 10 finished installs failed");
        assertThat(now.funnel()).isEqualTo(new Funnel(0, 1, 0, 0, 6, 4));
        assertThat(offered(null, "new-phone")).as("a halted release offers itself to no one").containsExactly(january.id());
        assertThat(releases.failures(sunfish, bad.id())).extracting(FailureCount::reason, FailureCount::count)
                .containsExactlyInAnyOrder(tuple("install_failed", 2L),
                        tuple("boot_failed", 1L),
                        tuple("verification_failed", 1L));

        // a person resumes: the rule counts from there, and the failed devices wait to be cleared
        releases.resume(maintainer, sunfish, bad.id());
        assertThat(offered(null, "new-phone")).containsExactly(february.id());
        assertThat(offered(null, "bad-0")).containsExactly(january.id());
        assertThat(installations.clearFailures(sunfish, bad.id(), "bad-0")).isEqualTo(1);
        assertThat(offered(null, "bad-0")).containsExactly(february.id());
        assertThat(offered(null, "bad-1")).containsExactly(january.id());
    }

    @Test
    void aReportSentTwiceCountsOnceAndTooManyReportsAreThrottled() {
        Release r = release("stable", january, Rollout.ALL);
        Installation i = installations.contact(sunfish, "phone-1", null);
        Installations.NewReport downloaded = new Installations.NewReport(r.id(), ReportStep.DOWNLOADED, 100, null, null, "r-1");
        installations.report(i, downloaded);
        installations.report(i, downloaded);
        installations.report(i, new Installations.NewReport(r.id(), ReportStep.DOWNLOADED, 100, null, null, null));
        assertThat(releases.release(sunfish, r.id()).funnel().downloaded()).isEqualTo(1);
        assertThat(installations.reports(i)).hasSize(2);

        for (int n = 3; n < 10; n++) {
            installations.report(i, new Installations.NewReport(r.id(), ReportStep.DOWNLOADING, n, null, null, null));
        }
        Installations.NewReport installing = new Installations.NewReport(r.id(), ReportStep.INSTALLING, null, null, null, null);
        assertThatThrownBy(() -> installations.report(i, installing)).isInstanceOf(DepotException.Throttled.class);
        clock.advance(Duration.ofMinutes(1));
        assertThat(installations.report(i, installing).lastStep()).isEqualTo(ReportStep.INSTALLING);
    }

    @Test
    void reportsExpireButTheFunnelAndFailuresStay() {
        Release r = release("stable", january, Rollout.ALL);
        report("phone-1", r, ReportStep.FAILED, FailureReason.INSUFFICIENT_STORAGE);
        Installation i = installations.installation(sunfish, "phone-1");
        assertThat(installations.reports(i)).hasSize(1);

        clock.advance(Duration.ofDays(31));
        assertThat(installations.expireReports(Duration.ofDays(30))).isEqualTo(1);

        assertThat(installations.reports(i)).isEmpty();
        assertThat(releases.release(sunfish, r.id()).funnel().failed()).isEqualTo(1);
        assertThat(releases.failures(sunfish, r.id())).extracting(FailureCount::reason).containsExactly("insufficient_storage");
        assertThatThrownBy(() -> offered(null, "phone-1")).as("and it still is not offered what it failed")
                .isInstanceOfSatisfying(DepotException.NotFound.class, e -> assertThat(e.reason()).isEqualTo("no_builds"));
    }

    @Test
    void aRevokedInstallationIsRefusedAndAFailureNeedsItsReason() {
        Release r = release("stable", january, Rollout.ALL);
        Installation i = installations.contact(sunfish, "phone-1", null);
        assertThatThrownBy(() -> installations.report(i, new Installations.NewReport(r.id(), ReportStep.FAILED, null, null,
                null, null))).isInstanceOfSatisfying(DepotException.Invalid.class, e -> assertThat(e.reason()).isEqualTo("missing_reason"));
        String token = installations.claimToken(sunfish, "phone-1");
        assertThat(installations.authenticate(sunfish, "phone-1", token).id()).isEqualTo(i.id());
        assertThatThrownBy(() -> installations.claimToken(sunfish, "phone-1")).isInstanceOf(DepotException.Conflict.class);
        assertThatThrownBy(() -> installations.authenticate(sunfish, "phone-1", "dpi_wrong"))
                .isInstanceOf(DepotException.Unauthenticated.class);
        installations.revoke(sunfish, "phone-1");
        assertThatThrownBy(() -> installations.authenticate(sunfish, "phone-1", token))
                .isInstanceOfSatisfying(DepotException.Forbidden.class, e -> assertThat(e.reason()).isEqualTo("installation_revoked"));
        assertThatThrownBy(() -> offered(null, "phone-1")).isInstanceOf(DepotException.Forbidden.class);
    }
}
