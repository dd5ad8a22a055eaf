package dev.depot.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.builds.BuildRepository;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.feed.FeedReceipt;
import dev.depot.server.Depot;
import dev.depot.storage.BlobKey;
import dev.depot.support.AppFixture;
import dev.depot.support.Stack;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadSession;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How an upload becomes a build, as the domain states it, without HTTP: on every database and
 * every store (a folder, or S3 with uploads staged in the bucket).
 */
@ParameterizedClass
@MethodSource("dev.depot.support.Stack#all")
class BuildIntakeTest {
    static final String ROM = "Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip";

    @Parameter
    Stack stack;
    Depot depot;
    BuildIntake intake;
    Principal maintainer;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("depot-intake");
        depot = Depot.open(stack.settings(dir), Clock.systemUTC());
        intake = depot.intake();
        User mark = depot.auth().createUser("mark", "a-long-enough-password", false);
        maintainer = depot.auth().authenticate(depot.auth().createToken(mark, "t",
                EnumSet.of(Scope.READ, Scope.UPLOAD, Scope.PUBLISH), Duration.ofHours(1)).secret());
        depot.auth().createUser("olivia", "a-long-enough-password", false);
        depot.catalog().organizations().createOrganization(Principal.operator(), "acme", "Acme", "olivia");
        depot.catalog().organizations().putMember(Principal.operator(), "acme", "mark", Role.MAINTAINER);
        depot.catalog().apps().createApp(Principal.operator(), "acme", "tiny", "Tiny", "android", null);
        depot.ota().devices().addDevice("sunfish", "Pixel 4a", "Google");
        depot.ota().devices().addVariant("gapps", "With Google apps", null);
        depot.ota().devices().addMaintainer("sunfish", "mark");
    }

    @AfterEach
    void close() {
        depot.close();
    }

    private void send(UploadSession s, byte[] data) {
        intake.uploads().append(maintainer, s.id(), 0, (long) data.length, new ByteArrayInputStream(data), data.length);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    @Test
    void anApkBecomesAnAppBuildWithEveryDigestReadWhileItArrived() throws Exception {
        byte[] apk = Files.readAllBytes(AppFixture.APKS.resolve("apps/a2dp.Vol_137.apk"));
        UploadSession s = intake.openAppUpload(maintainer, "tus", "acme", "tiny", "a2dp.apk", (long) apk.length,
                Map.of("changelog", "First"));
        send(s, apk);

        BuildIntake.Received r = intake.complete(maintainer, "tus", s.id(), Checksum.hex("sha256", hex("SHA-256", apk)));

        AppBuild build = ((BuildIntake.Received.AppUpload) r).build();
        assertThat(build.sha256()).isEqualTo(hex("SHA-256", apk));
        assertThat(build.md5()).isEqualTo(hex("MD5", apk));
        assertThat(build.sha1()).as("the feed's SHA-1, without reading the bytes back").isEqualTo(hex("SHA-1", apk));
        assertThat(build.changelog()).isEqualTo("First");
        assertThat(depot.holds().holders(build.sha256())).contains(BuildRepository.blobHolder(build.id()))
                .noneMatch(h -> h.startsWith("upload:"));
        FeedReceipt receipt = depot.feed().receipts().receipt(build.sha256()).orElseThrow();
        assertThat(receipt.sha1()).isEqualTo(hex("SHA-1", apk));
        assertThat(receipt.md5()).isEqualTo(hex("MD5", apk));
    }

    @Test
    void completingAgainAnswersWithTheSameBuild() throws Exception {
        byte[] zip = random(70_000, 7);
        UploadSession s = intake.openRomUpload(maintainer, "tus", ROM, (long) zip.length, Map.of());
        send(s, zip);

        BuildIntake.Received first = intake.complete(maintainer, "tus", s.id(), null);
        BuildIntake.Received again = intake.complete(maintainer, "tus", s.id(), null);

        assertThat(again.buildId()).isEqualTo(first.buildId());
        assertThat(((BuildIntake.Received.RomUpload) first).deviceDisplayName()).isEqualTo("Google Pixel 4a (sunfish)");
        assertThat(depot.ota().builds().build(first.buildId()).orElseThrow().sha256()).isEqualTo(hex("SHA-256", zip));
    }

    @Test
    void aWrongChecksumDiscardsTheUploadAndLeavesNoBytes() throws Exception {
        byte[] zip = random(50_000, 8);
        UploadSession s = intake.openRomUpload(maintainer, "tus", ROM, (long) zip.length, Map.of());
        send(s, zip);

        assertThatThrownBy(() -> intake.complete(maintainer, "tus", s.id(), Checksum.hex("sha256", "00".repeat(32))))
                .isInstanceOfSatisfying(DepotException.Invalid.class, e -> assertThat(e.reason()).isEqualTo("checksum_mismatch"));

        assertThat(depot.blobs().exists(new BlobKey(hex("SHA-256", zip)))).isFalse();
        assertThatThrownBy(() -> intake.uploads().session(maintainer, s.id())).isInstanceOf(DepotException.NotFound.class);
    }

    @Test
    void aTooLargeFileFailsFirstAndABadNameBeforeAnyByte() {
        assertThatThrownBy(() -> intake.openRomUpload(maintainer, "tus", "not-a-rom.zip", Long.MAX_VALUE, Map.of()))
                .isInstanceOfSatisfying(DepotException.Invalid.class, e -> assertThat(e.reason()).isEqualTo("too_large"));
        assertThatThrownBy(() -> intake.openRomUpload(maintainer, "tus", "not-a-rom.zip", 10L, Map.of()))
                .isInstanceOf(DepotException.class);
        assertThatThrownBy(() -> intake.openUpload(maintainer, "tus", "x.apk", 10L, Map.of("organization", "acme",
                "app", "nope"))).isInstanceOf(DepotException.NotFound.class);
        assertThat(intake.uploads().sessionsOf(maintainer, "tus")).isEmpty();
    }

    @Test
    void aChunkGoesOnlyWhereTheUploadEnds() {
        byte[] zip = new byte[2_000];
        UploadSession s = intake.openRomUpload(maintainer, "tus", ROM, (long) zip.length, Map.of());
        intake.uploads().append(maintainer, s.id(), 0, (long) zip.length, new ByteArrayInputStream(zip, 0, 1000), 1000);

        assertThatThrownBy(() -> intake.uploads().append(maintainer, s.id(), 500, (long) zip.length,
                new ByteArrayInputStream(zip, 500, 1000), 1000))
                .isInstanceOfSatisfying(DepotException.Invalid.class, e -> {
                    assertThat(e.reason()).isEqualTo("offset_mismatch");
                    assertThat(e.details()).containsEntry("expected_offset", 1000L).containsEntry("provided_offset", 500L);
                });
    }

    @Test
    void aRomBuildHoldsItsBytesUntilItIsDeletedAndKeepsTheSha1ReadWhileReceiving() throws Exception {
        byte[] zip = random(30_000, 9);
        UploadSession s = intake.openRomUpload(maintainer, "tus", ROM, (long) zip.length, Map.of());
        send(s, zip);
        long id = intake.complete(maintainer, "tus", s.id(), null).buildId();
        BlobKey key = new BlobKey(hex("SHA-256", zip));
        assertThat(depot.holds().holders(key.sha256())).containsExactly(BuildRepository.blobHolder(id));
        // hawkBit's device API gives devices a ROM build's SHA-1, read as the bytes arrived
        assertThat(intake.uploads().session(maintainer, s.id()).sha1()).isEqualTo(hex("SHA-1", zip));
        String stored = depot.database().jdbi().withHandle(h -> h.createQuery("SELECT sha1 FROM builds WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(stored).isEqualTo(hex("SHA-1", zip));

        depot.ota().builds().deleteBuild(maintainer, id);

        assertThat(depot.blobs().exists(key)).isFalse();
        assertThat(depot.holds().held(key.sha256())).isFalse();
    }
}
