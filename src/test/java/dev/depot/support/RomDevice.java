package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.ota.OtaBuild;
import java.time.Duration;

/** A device (sunfish, variant gapps) with a maintainer, mark, whose ROM builds tests publish through the intake. */
public final class RomDevice {
    public final TestServer server;
    public final String token;
    public final Principal maintainer;

    public RomDevice(TestServer server) {
        this.server = server;
        var devices = server.depot().ota().devices();
        devices.addDevice("sunfish", "Pixel 4a", "Google");
        devices.addVariant("gapps", "With Google apps", null);
        token = server.userWithToken("mark", false, Scope.READ, Scope.UPLOAD, Scope.PUBLISH);
        devices.addMaintainer("sunfish", "mark");
        maintainer = server.depot().auth().authenticate(token);
    }

    /** Uploads a ROM build (4 KiB of random bytes) and waits until it is published. */
    public OtaBuild published(String name, long seed) {
        OtaBuild b = RomBuilds.upload(server.depot(), maintainer, name, seed);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.depot().ota().builds().publishedBuild(b.id()).isEmpty()) {
            assertThat(System.nanoTime()).as("build %s inspected", name).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return b;
    }
}
