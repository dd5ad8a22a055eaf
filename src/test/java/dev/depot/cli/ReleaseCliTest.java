package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.CliRun;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code depot release} against a real server: create, rollout, pause, resume, promote, status, rollback. */
class ReleaseCliTest {
    TestServer server;
    OtaFixture f;
    long build;

    @BeforeEach
    void start() {
        server = TestServer.start(Backend.SQLITE);
        f = new OtaFixture(server);
        build = f.upload("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", OtaFixture.randomBytes(2000, 3));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun release(String... args) {
        String[] all = new String[args.length + 7];
        all[0] = "release";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(new String[] {"--device", "sunfish", "--server", server.url(""), "--token", f.maintainerToken}, 0, all,
                args.length + 1, 6);
        return CliRun.depot(null, all);
    }

    @Test
    void aMaintainerStagesPausesPromotesAndRollsBackFromTheCommandLine() {
        CliRun created = release("create", "--channel", "beta", "--build", Long.toString(build), "--percentage", "10");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("release 1: build " + build + " on beta, rolling at 10.0 %\n");
        assertThat(release("rollout", "1", "50").out()).contains("rolling at 50.0 %");
        assertThat(release("pause", "1").out()).contains("paused at 50.0 %");
        assertThat(release("resume", "1").out()).contains("rolling at 50.0 %");
        assertThat(release("promote", "1", "--to", "stable", "--percentage", "5").out())
                .isEqualTo("release 2: build " + build + " on stable, rolling at 5.0 %\n");
        CliRun status = release("status", "1");
        assertThat(status.out()).contains("funnel: offered 0, downloading 0, downloaded 0, installing 0, installed 0, failed 0")
                .contains("created").contains("percentage").contains("paused").contains("resumed").contains("(maint)");
        assertThat(release("rollback", "2").out()).contains("rolled_back");
        assertThat(release("list").out()).contains("stable").contains("rolled_back").contains("beta");

        CliRun refused = release("resume", "1");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("Only a paused or halted release can be resumed");
        CliRun outsider = CliRun.depot(null, "release", "pause", "1", "--device", "sunfish", "--server", server.url(""),
                "--token", f.outsiderToken);
        assertThat(outsider.exit()).isEqualTo(1);
        assertThat(outsider.err()).contains("not a maintainer");
    }
}
