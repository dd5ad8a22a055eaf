package dev.depot.bench;

import dev.depot.auth.Principal;
import dev.depot.auth.User;
import dev.depot.builds.BuildRepository;
import dev.depot.config.Setting;
import dev.depot.server.Depot;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import dev.depot.tuf.SigningKey;
import dev.depot.tuf.TufKey;
import dev.depot.tuf.TufService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark (not a test): the TUF repository over many targets. Run with bench/tuf.sh
 * [sqlite|postgresql] [targets] [devices]. Seeds published ROM builds spread over devices, makes
 * the repository, then prints metadata sizes, the time to sign everything at first, the time from a
 * change (a build disabled or enabled) to new metadata being served, and the cost of the periodic
 * check when nothing changed. Prints Markdown.
 */
public final class TufBench {
    private TufBench() {}

    public static void main(String[] args) throws Exception {
        Backend backend = args.length > 0 && args[0].equals("postgresql") ? Backend.POSTGRESQL : Backend.SQLITE;
        int targets = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int deviceCount = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path dir = Files.createTempDirectory("depot-tuf-bench");
        try (TestServer server = TestServer.start(backend, dir, Clock.systemUTC(),
                Map.of(Setting.TUF_KEY_SECRET, "a secret that seals the keys"))) {
            Depot depot = server.depot();
            var devices = depot.ota().devices();
            devices.addVariant("gapps", "With Google apps", null);
            User mark = depot.auth().createUser("mark", "a-long-enough-password", true);
            List<Long> deviceIds = new ArrayList<>();
            for (int d = 0; d < deviceCount; d++) {
                deviceIds.add(devices.addDevice("device" + d, "Device " + d, "Acme").id());
            }
            long variant = devices.variants().getFirst().id();
            BuildRepository builds = new BuildRepository(depot.database().jdbi(), depot.database().dialect());
            Random random = new Random(1);
            List<Long> ids = new ArrayList<>();
            long seedStart = System.nanoTime();
            for (int i = 0; i < targets; i++) {
                int d = i % deviceCount;
                byte[] sha = new byte[32];
                random.nextBytes(sha);
                LocalDate date = LocalDate.of(2020, 1, 1).plusDays(i / deviceCount);
                ids.add(builds.insertRomBuild(new BuildRepository.NewRomBuild("Bliss-v15." + (i / deviceCount) + "-device" + d
                        + "-OFFICIAL-gapps-" + date.toString().replace("-", "") + ".zip", 1_500_000_000L + i,
                        HexFormat.of().formatHex(sha), "0".repeat(32), null, deviceIds.get(d), variant, "15." + (i / deviceCount),
                        date, null, "{}", "", mark.id(), System.currentTimeMillis(), null), (h, id) -> { }));
            }
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

            TufService tuf = depot.tuf().service();
            SigningKey root = SigningKey.generate(TufKey.Algorithm.ED25519);
            String v1 = TufService.sign(tuf.init(List.of(root.publicKey()), 1), root);
            long t0 = System.nanoTime();
            TufService.Refresh first = tuf.importRoot(v1);
            double firstMs = (System.nanoTime() - t0) / 1e6;

            List<Double> quiet = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                tuf.refresh();
                quiet.add((System.nanoTime() - s) / 1e6);
            }
            List<Double> collect = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                depot.tuf().targets().current();
                collect.add((System.nanoTime() - s) / 1e6);
            }
            // a change through the service, as a request makes it: until the node's refresher has signed it
            Principal operator = Principal.operator();
            List<Double> change = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                long id = ids.get(i * 997 % ids.size());
                long s = System.nanoTime();
                depot.ota().builds().setBuildEnabled(operator, id, false);
                depot.tuf().refresher().awaitCurrent(Duration.ofMinutes(2));
                change.add((System.nanoTime() - s) / 1e6);
                depot.ota().builds().setBuildEnabled(operator, id, true);
                depot.tuf().refresher().awaitCurrent(Duration.ofMinutes(2));
            }
            System.out.printf("## TUF repository: %,d targets over %,d device roles (%s)%n%n", targets, deviceCount,
                    backend.name().toLowerCase());
            System.out.printf("Seeded in %.1f s; first signing (root import, every role) signed %d roles.%n%n", seedSeconds,
                    first.signed().size());
            System.out.println("| file | bytes |");
            System.out.println("| --- | --- |");
            for (String f : List.of("root.json", "timestamp.json", "snapshot.json", "targets.json", "device0.json")) {
                String name = f.equals("device0.json") ? "device-device0.json" : f;
                int bytes = tuf.metadata(name).orElseThrow().getBytes(StandardCharsets.UTF_8).length;
                System.out.printf("| `%s` | %,d |%n", name, bytes);
            }
            System.out.println();
            System.out.println("| step | median ms | min | max |");
            System.out.println("| --- | --- | --- | --- |");
            row("first signing of every role", List.of(firstMs));
            row("a change (build disabled) until its metadata is served", change);
            row("periodic check, nothing changed", quiet);
            row("of which: reading what is published (every role's targets)", collect);
        } finally {
            dev.depot.support.TestFiles.deleteTree(dir);
        }
    }

    private static void row(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf("| %s | %.0f | %.0f | %.0f |%n", what, sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast());
    }
}
