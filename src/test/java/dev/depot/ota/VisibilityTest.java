package dev.depot.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.config.Setting;
import dev.depot.config.Settings;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import dev.depot.support.Backend;
import dev.depot.support.RomBuilds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the public may see of devices and ROM builds, as the domain decides it once for every
 * surface (the updater, the public pages, downloads): a visible device; a published build, that is
 * an enabled one. Without HTTP, on both databases.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class VisibilityTest {
    @Parameter
    Backend backend;
    Depot depot;
    Principal maintainer;
    OtaBuild shown;
    OtaBuild ofHiddenDevice;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("depot-visibility");
        depot = Depot.open(Settings.defaults().with(Setting.DATA, dir.toString())
                .with(Setting.DATABASE_URL, backend.newDatabaseUrl(dir)), Clock.systemUTC());
        User mark = depot.auth().createUser("mark", "a-long-enough-password", false);
        maintainer = depot.auth().authenticate(depot.auth().createToken(mark, "t", EnumSet.of(Scope.READ, Scope.UPLOAD,
                Scope.PUBLISH), Duration.ofHours(1)).secret());
        DeviceService devices = depot.ota().devices();
        devices.addDevice("sunfish", "Pixel 4a", "Google");
        devices.addDevice("hidden", "Prototype", "Acme");
        devices.updateDevice("hidden", null, null, null, false, null, null);
        devices.addVariant("gapps", "With Google apps", null);
        devices.addMaintainer("sunfish", "mark");
        devices.addMaintainer("hidden", "mark");
        shown = upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", 1);
        ofHiddenDevice = upload("Bliss-v1.0-hidden-OFFICIAL-gapps-20240101.zip", 2);
    }

    @AfterEach
    void close() {
        depot.close();
    }

    private OtaBuild upload(String name, long seed) {
        return RomBuilds.upload(depot, maintainer, name, seed);
    }

    @Test
    void aHiddenDeviceAndItsBuildsAreNotShownButItsPublishedBuildsStillDownload() {
        RomBuildService builds = depot.ota().builds();

        assertThat(depot.ota().devices().visibleDevices()).extracting(Device::codename).containsExactly("sunfish");
        assertThat(builds.publicBuild(shown.id())).isPresent();
        assertThat(builds.publicBuild(ofHiddenDevice.id())).as("no public page").isEmpty();
        assertThat(builds.publishedBuildsOfDevice("hidden")).isEmpty();
        assertThat(builds.publishedBuild(ofHiddenDevice.id())).as("its link still downloads").isPresent();
        assertThat(builds.publishedBuildsOfDevice("sunfish")).extracting(OtaBuild::id).containsExactly(shown.id());
    }

    @Test
    void aDisabledBuildIsNeitherOfferedNorShownNorDownloaded() {
        RomBuildService builds = depot.ota().builds();

        builds.setBuildEnabled(maintainer, shown.id(), false);

        assertThat(builds.publishedBuild(shown.id())).isEmpty();
        assertThat(builds.publicBuild(shown.id())).isEmpty();
        assertThat(builds.publishedBuildsOfDevice("sunfish")).isEmpty();
        assertThat(builds.publishedBuildByFileName(shown.fileName())).isEmpty();
        assertThatThrownBy(() -> builds.updaterBuilds("sunfish", "gapps", null))
                .isInstanceOfSatisfying(DepotException.NotFound.class, e -> assertThat(e.reason()).isEqualTo("no_builds"));
        assertThat(builds.buildsOfDevice("sunfish", null, 50)).as("its maintainers still manage it").extracting(OtaBuild::id)
                .containsExactly(shown.id());

        builds.setBuildEnabled(maintainer, shown.id(), true);

        assertThat(builds.updaterBuilds("sunfish", "gapps", null)).extracting(OtaBuild::id).containsExactly(shown.id());
    }
}
