package dev.depot.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.Command;
import dev.depot.support.Json;
import dev.depot.support.ServerProcess;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release artifacts of {@code scripts/release.sh}, made from the jar this build packaged and
 * started the way their users start them: the archive on a PATH without any JDK, the Debian
 * package installed with dpkg and its unit's command run as the {@code depot} user, the OCI
 * image unpacked by umoci and its entrypoint started in that root file system. Each prints its
 * size and start time (launch to the first 200 of {@code /readyz}).
 */
class ReleaseArtifactsIT {
    private static final Path OUT = Path.of("target", "release").toAbsolutePath();
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static String version;

    @BeforeAll
    static void release() throws IOException {
        Path jar = Path.of("target", "depot.jar");
        assumeTrue(Files.isRegularFile(jar), "target/depot.jar is built by the package phase");
        assumeTrue(Runtime.version().feature() >= 25, "release.sh needs a JDK >= 25");
        for (String tool : List.of("dpkg-deb", "curl", "unzip")) {
            assumeTrue(Command.available(tool), tool + " is not installed");
        }
        Command.Result r = Command.run(LIMIT, null, Map.of("JAVA_HOME", System.getProperty("java.home")),
                List.of("bash", "scripts/release.sh", "--jar", jar.toString(), "--out", OUT.toString()));
        assertThat(r.exit()).as(r.output()).isZero();
        System.out.println("[release] " + r.output().lines().filter(l -> !l.startsWith("release:")).toList());
        try (Stream<Path> files = Files.list(OUT)) {
            String archive = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-linux-x64.tar.gz"))
                    .findFirst().orElseThrow();
            version = archive.substring("depot-".length(), archive.length() - "-linux-x64.tar.gz".length());
        }
    }

    @Test
    void archiveRunsWithItsOwnRuntimeAndClassCache(@TempDir Path dir) throws Exception {
        Command.Result untar = Command.run(LIMIT, "tar", "-xzf", OUT.resolve("depot-" + version + "-linux-x64.tar.gz").toString(),
                "-C", dir.toString());
        assertThat(untar.exit()).as(untar.output()).isZero();
        Path home = dir.resolve("depot-" + version);
        // a PATH with the launcher's three tools and nothing else: no java, no JAVA_HOME
        Path bin = Files.createDirectories(dir.resolve("path"));
        for (String tool : List.of("sh", "dirname", "readlink")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        Map<String, String> env = Map.of("PATH", bin.toString(), "DEPOT_DATA", dir.resolve("data").toString(), "DEPOT_PORT", "0");

        Command.Result strict = Command.run(LIMIT, null, Map.of("PATH", bin.toString(), "JDK_JAVA_OPTIONS", "-XX:AOTMode=on"),
                List.of("env", "-u", "JAVA_HOME", "PATH=" + bin, home.resolve("bin/depot").toString(), "--version"));
        assertThat(strict.output()).as("the class cache fits this runtime and jar (AOTMode=on refuses one that does not)")
                .contains("depot " + version);

        for (String run : List.of("first start (new data directory)", "second start")) {
            long t0 = System.nanoTime();
            ProcessBuilder pb = clean(new ProcessBuilder(home.resolve("bin/depot").toString(), "serve"), env);
            try (ServerProcess server = ServerProcess.launch(pb, dir)) {
                long ms = awaitReady(server.url("/readyz"), t0);
                Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(server.pid()), "exe"));
                assertThat(exe).isEqualTo(home.resolve("runtime/bin/java"));
                System.out.printf("[release] archive %s: %d ms to /readyz%n", run, ms);
            }
        }
    }

    @Test
    void debianPackageInstallsAUserAHardenedUnitAndKeepsDataOnPurge(@TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg -i needs root");
        assumeTrue(!Files.isDirectory(Path.of("/run/systemd/system")),
                "a machine booted with systemd is a real host: its packages and services are left alone");
        assumeTrue(Command.available("dpkg") && Command.available("setpriv"), "dpkg and setpriv are needed");
        assumeTrue(!Command.run(LIMIT, "dpkg", "-s", "depot").ok(), "a depot package is installed here already");
        Path deb = OUT.resolve("depot_" + version.replace("-SNAPSHOT", "~snapshot") + "_amd64.deb");
        Path data = Path.of("/var/lib/depot");
        try {
            Command.Result install = Command.run(LIMIT, "dpkg", "-i", deb.toString());
            assertThat(install.exit()).as(install.output()).isZero();
            assertThat(Command.run(LIMIT, "getent", "passwd", "depot").output()).contains(":/var/lib/depot:/usr/sbin/nologin");
            assertThat(owner(data)).isEqualTo("depot depot rwxr-x---");
            assertThat(owner(Path.of("/etc/depot/depot.conf"))).isEqualTo("root depot rw-r-----");

            Path unit = Path.of("/lib/systemd/system/depot.service");
            if (Command.available("systemd-analyze")) {
                Command.Result verify = Command.run(LIMIT, "systemd-analyze", "verify", unit.toString());
                assertThat(verify.exit()).as(verify.output()).isZero();
                assertThat(verify.output()).as("systemd-analyze verify prints nothing for a clean unit").isBlank();
                System.out.println("[release] systemd-analyze verify: clean; "
                        + Command.run(LIMIT, "systemd-analyze", "security", "--offline=yes", unit.toString()).output().lines()
                                .filter(l -> l.contains("Overall exposure")).findFirst().orElse("(no exposure line)").trim());
            }
            Map<String, String> service = unitService(Files.readString(unit));
            assertThat(service).containsEntry("User", "depot").containsEntry("ProtectSystem", "strict")
                    .containsEntry("NoNewPrivileges", "yes").containsEntry("ReadWritePaths", "/var/lib/depot")
                    .containsEntry("Restart", "on-failure");

            // the unit's command, as systemd would start it: its user, directory and environment
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=depot", "--regid=depot", "--init-groups", "env", "-i",
                    "PATH=/usr/bin:/bin", "DEPOT_PORT=" + TestServer.freePort()));
            for (String assignment : service.get("Environment").split(" ")) {
                command.add(assignment);
            }
            command.addAll(List.of(service.get("ExecStart").split(" ")));
            ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of(service.get("WorkingDirectory")).toFile());
            long t0 = System.nanoTime();
            try (ServerProcess server = ServerProcess.launch(pb, dir)) {
                long ms = awaitReady(server.url("/readyz"), t0);
                // setpriv, env and the launcher exec one another: the server is the process started
                assertThat(Command.run(LIMIT, "ps", "-o", "user=", "-p", Long.toString(server.pid())).output().trim())
                        .isEqualTo("depot");
                System.out.printf("[release] Debian package, the unit's ExecStart as depot: %d ms to /readyz%n", ms);
            }
            assertThat(owner(data.resolve("depot.db"))).startsWith("depot depot");

            Command.Result purge = Command.run(LIMIT, "dpkg", "--purge", "depot");
            assertThat(purge.exit()).as(purge.output()).isZero();
            assertThat(purge.output()).contains("the data in /var/lib/depot is kept");
            assertThat(data.resolve("depot.db")).as("purge keeps the data").isRegularFile();
            assertThat(Path.of("/etc/depot")).doesNotExist();
            assertThat(Path.of("/usr/lib/depot")).doesNotExist();

            // asked to, purge removes the data as well
            assertThat(Command.run(LIMIT, "dpkg", "-i", deb.toString()).ok()).isTrue();
            Command.Result asked = Command.run(LIMIT, null, Map.of("DEPOT_PURGE_DATA", "yes"), List.of("dpkg", "--purge", "depot"));
            assertThat(asked.exit()).as(asked.output()).isZero();
            assertThat(data).doesNotExist();
        } finally {
            Command.run(LIMIT, "dpkg", "--purge", "depot");
            Command.run(LIMIT, "rm", "-rf", data.toString());
        }
    }

    @Test
    void imageUnpackedByUmociServesFromItsOwnRootFileSystem(@TempDir Path dir) throws Exception {
        assumeTrue(Command.available("umoci"), "umoci is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot into the image's root file system needs root");
        Path archive = OUT.resolve("depot-" + version + "-oci.tar");
        Path layout = Files.createDirectories(dir.resolve("layout"));
        assertThat(Command.run(LIMIT, "tar", "-xf", archive.toString(), "-C", layout.toString()).ok()).isTrue();
        JsonNode image = imageConfig(layout);
        JsonNode config = image.get("config");
        assertThat(config.get("User").asText()).isEqualTo("10001:10001");
        assertThat(config.get("Volumes").has("/data")).isTrue();
        assertThat(image.get("rootfs").get("diff_ids")).hasSize(3);
        if (Command.available("skopeo")) {
            Command.Result inspect = Command.run(LIMIT, "skopeo", "inspect", "oci-archive:" + archive + ":" + version);
            assertThat(inspect.exit()).as(inspect.output()).isZero();
            assertThat(Json.parse(inspect.output()).get("Layers")).hasSize(3);
        }

        Path bundle = dir.resolve("bundle");
        Command.Result unpack = Command.run(LIMIT, "umoci", "unpack", "--image", layout + ":" + version, bundle.toString());
        assertThat(unpack.exit()).as(unpack.output()).isZero();
        // the runtime spec umoci made from the image: what a container engine would run
        JsonNode process = Json.parse(Files.readString(bundle.resolve("config.json"))).get("process");
        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve("usr/bin")).as("no shell or tools in the image").doesNotExist();
        int port = TestServer.freePort();
        List<String> env = new ArrayList<>();
        process.get("env").forEach(e -> env.add(e.asText().startsWith("DEPOT_PORT=") ? "DEPOT_PORT=" + port : e.asText()));
        assertThat(env).contains("DEPOT_DATA=/data", "DEPOT_HOST=0.0.0.0");
        String user = process.get("user").get("uid").asInt() + ":" + process.get("user").get("gid").asInt();
        List<String> args = new ArrayList<>();
        process.get("args").forEach(a -> args.add(a.asText()));

        long t0 = System.nanoTime();
        try (ServerProcess server = ServerProcess.launch(new ProcessBuilder(inContainer(rootfs, user, env, args)), dir)) {
            try {
                long ms = awaitReady("http://127.0.0.1:" + port + "/readyz", t0);
                System.out.printf("[release] OCI image, entrypoint in its root file system: %d ms to /readyz%n", ms);
                List<String> check = new ArrayList<>();
                config.get("Healthcheck").get("Test").forEach(a -> check.add(a.asText()));
                assertThat(check.getFirst()).isEqualTo("CMD");
                Command.Result health = Command.run(LIMIT, inContainer(rootfs, user, List.of("DEPOT_PORT=" + port),
                        check.subList(1, check.size())).toArray(String[]::new));
                assertThat(health.exit()).as(health.output()).isZero();
                assertThat(health.output()).contains("\"status\":\"ok\"");
                assertThat(server.log()).contains("data: /data");
            } finally {
                // chroot's change of user clears unshare's kill-on-exit: the server, unshare's child, is stopped itself
                ProcessHandle.of(server.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroy));
            }
        }
        awaitClosed(port);
        assertThat(owner(rootfs.resolve("data/depot.db"))).as("written by the image's user").startsWith("10001 10001");
        assertThat(Command.run(LIMIT, inContainer(rootfs, user, List.of("DEPOT_PORT=" + port),
                List.of("/opt/depot/runtime/bin/java", "-cp", "/opt/depot/lib/depot.jar", "dev.depot.server.HealthProbe"))
                .toArray(String[]::new)).exit()).as("the health check fails once the server is gone").isEqualTo(1);
    }

    /** A command in {@code rootfs} as a container would run it: own mount and PID namespaces, /proc and /dev, that user and environment only. */
    private static List<String> inContainer(Path rootfs, String user, List<String> env, List<String> args) {
        String mounts = "mount -t proc proc " + rootfs.resolve("proc") + " && mount --rbind /dev " + rootfs.resolve("dev") + " && exec \"$@\"";
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child=SIGTERM", "sh", "-c",
                "mkdir -p " + rootfs.resolve("proc") + " " + rootfs.resolve("dev") + " && " + mounts, "sh", "env", "-i"));
        command.addAll(env);
        command.addAll(List.of(which("chroot"), "--userspec=" + user, rootfs.toString()));
        command.addAll(args);
        return command;
    }

    private static JsonNode imageConfig(Path layout) throws IOException {
        JsonNode index = Json.parse(Files.readString(layout.resolve("index.json")));
        JsonNode manifest = Json.parse(Files.readString(blob(layout, index.get("manifests").get(0).get("digest").asText())));
        return Json.parse(Files.readString(blob(layout, manifest.get("config").get("digest").asText())));
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    /** The [Service] section's settings; repeated keys (Environment) are joined with spaces. */
    private static Map<String, String> unitService(String unit) {
        Map<String, String> settings = new LinkedHashMap<>();
        boolean inService = false;
        for (String line : unit.lines().toList()) {
            if (line.startsWith("[")) {
                inService = line.equals("[Service]");
            } else if (inService && !line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                settings.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + " " + b);
            }
        }
        return settings;
    }

    private static String owner(Path file) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class);
        String name = a.owner().getName();
        return name + " " + a.group().getName() + " " + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions());
    }

    private static ProcessBuilder clean(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    private static String which(String program) {
        return Command.which(program).orElseThrow(() -> new AssertionError(program + " is not on PATH")).toString();
    }

    /** Waits for a 200 from {@code url}; returns the milliseconds since {@code t0}. */
    private static long awaitReady(String url, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new AssertionError(url + " did not answer 200 within 60 s");
    }

    private static void awaitClosed(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                Thread.sleep(50);
            } catch (IOException e) {
                return;
            }
        }
        throw new AssertionError("port " + port + " still open 30 s after the server was stopped");
    }
}
