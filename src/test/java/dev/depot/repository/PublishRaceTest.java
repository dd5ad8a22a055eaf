package dev.depot.repository;

import static dev.depot.support.AppFixture.bearer;
import static dev.depot.support.AppFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Principal;
import dev.depot.catalog.AppBuild;
import dev.depot.core.DepotException;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import java.nio.file.Files;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Publishing a build while it is disabled or deleted, at the same instant, many times over, on both
 * databases: a disabled or deleted build is never left published, and every repository's count and
 * state hash stay those of its listing.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishRaceTest {
    static final int ROUNDS = 40;
    @Parameter
    Backend backend;
    TestServer server;
    AppFixture f;
    Principal maintainer;
    ExecutorService threads;

    @BeforeParameterizedClassInvocation
    void start() {
        Assumptions.assumeTrue(Files.isDirectory(AppFixture.APKS), "the APK corpus is not at " + AppFixture.APKS);
        threads = Executors.newFixedThreadPool(2);
        server = TestServer.start(backend);
        f = new AppFixture(server);
        maintainer = server.depot().auth().authenticate(f.maintainer);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        threads.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    private Repository repository(String name) {
        ok(server.postJson("/v1/organizations/acme/repositories", "{\"name\":\"" + name + "\"}", bearer(f.maintainer)));
        return server.depot().repositories().require(name);
    }

    /** Runs both at the same instant; a refusal by the domain is an outcome, anything else fails the test. */
    private void together(Runnable a, Runnable b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> x = threads.submit(() -> quietly(start, a));
        Future<?> y = threads.submit(() -> quietly(start, b));
        x.get();
        y.get();
    }

    private static Void quietly(CyclicBarrier start, Runnable r) throws Exception {
        start.await();
        try {
            r.run();
        } catch (DepotException refused) {
            // publishing a build that was disabled first, or deleted first, is refused: fine
        }
        return null;
    }

    private void assertConsistent(Repository repo) {
        RepositoryService.Verification v = server.depot().repositories().verify(repo);
        assertThat(v.ok()).as("count and state hash are those of the listing: %s", v).isTrue();
    }

    @Test
    void aBuildDisabledWhilePublishedIsNeverLeftPublished() throws Exception {
        Repository repo = repository("race-disable");
        long id = Long.parseLong(f.uploadAndWaitQuietly("apps/a2dp.Vol_137.apk"));
        var repositories = server.depot().repositories();
        var catalog = server.depot().catalog();
        for (int round = 0; round < ROUNDS; round++) {
            catalog.builds().updateBuild(maintainer, "acme", "tiny", id, true, null, null);
            together(() -> repositories.publish(maintainer, "acme", repo.name(), id),
                    () -> catalog.builds().updateBuild(maintainer, "acme", "tiny", id, false, null, null));
            AppBuild b = catalog.builds().build(maintainer, id);
            assertThat(b.enabled()).isFalse();
            assertThat(repositories.entry(repositories.require(repo.name()), id)).as("round %d", round).isEmpty();
            assertConsistent(repo);
        }
        assertThat(server.get("/v1/repositories/race-disable").body()).doesNotContain("\"buildId\"");
    }

    @Test
    void aBuildDeletedWhilePublishedLeavesNoEntryAndNoDrift() throws Exception {
        Repository repo = repository("race-delete");
        var repositories = server.depot().repositories();
        var catalog = server.depot().catalog();
        for (int round = 0; round < ROUNDS / 4; round++) {
            long id = Long.parseLong(f.uploadAndWaitQuietly("apps/com.politedroid_4.apk"));
            together(() -> repositories.publish(maintainer, "acme", repo.name(), id),
                    () -> catalog.builds().deleteBuild(maintainer, "acme", "tiny", id));
            assertThat(repositories.entries(repositories.require(repo.name()))).as("round %d", round).isEmpty();
            assertConsistent(repo);
        }
        assertThat(repositories.require(repo.name()).entriesCount()).isZero();
    }

    private dev.depot.support.CliRun depot(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.add("--data=" + server.dataDir());
        all.add("--database-url=" + server.settings().databaseUrl());
        return dev.depot.support.CliRun.depot(null, all.toArray(String[]::new));
    }

    @Test
    void depotRepoVerifyRecomputesCountAndHashAndRepairsDrift() {
        Repository repo = repository("verify-me");
        long id = Long.parseLong(f.uploadAndWaitQuietly("apps/com.teleca.jamendo_35.apk"));
        server.depot().repositories().publish(maintainer, "acme", repo.name(), id);
        dev.depot.support.CliRun fine = depot("repo", "verify", "verify-me");
        assertThat(fine.exit()).as(fine.err()).isZero();
        assertThat(fine.out()).contains("verify-me: ok (1 entries");

        // a drift as the races used to leave: the count says 2, the listing holds 1
        server.depot().database().jdbi().useHandle(h -> h.execute("UPDATE repositories SET entries_count = 2 WHERE name = 'verify-me'"));
        dev.depot.support.CliRun drift = depot("repo", "verify");
        assertThat(drift.exit()).isEqualTo(1);
        assertThat(drift.out()).contains("verify-me: DIFFERS: stored 2 entries");
        assertThat(depot("repo", "verify", "--repair", "verify-me").exit()).isZero();
        assertThat(depot("repo", "verify", "verify-me").exit()).isZero();
        assertThat(ok(server.get("/v1/repositories/verify-me")).get("appsCount").asInt()).isEqualTo(1);
    }
}
