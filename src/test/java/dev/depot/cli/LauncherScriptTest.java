package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/jvm-opts.sh, which ./depot sources: one launch of `serve` records the class cache, and
 * launches beside it (a second server, `serve --help`) neither record nor touch it, so that two
 * JVMs never write one cache (the VM error "Must be a valid AOT configuration").
 */
class LauncherScriptTest {
    @TempDir
    Path dir;

    /** The options the script gives a launch of {@code args}, with the JDK running this test. */
    private String options(String args) throws Exception {
        String script = ". scripts/jvm-opts.sh; depot_jvm_opts '" + dir.resolve("depot.jar") + "' " + args
                + "; printf '%s\\n' \"${DEPOT_JVM_OPTS[@]}\"";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void oneServeRecordsTheCacheAndTheLaunchesBesideItDoNot() throws Exception {
        assertThat(options("serve --help")).doesNotContain("AOTCacheOutput").doesNotContain("AutoCreateSharedArchive");
        assertThat(options("serve --port 8080")).containsAnyOf("-XX:AOTCacheOutput=", "-XX:+AutoCreateSharedArchive");
        assertThat(options("serve --port 8081")).as("a second server while the first records")
                .doesNotContain("AOTCacheOutput").doesNotContain("AutoCreateSharedArchive").doesNotContain("AOTCache=");
        assertThat(options("user list")).doesNotContain("AOTCache");

        boolean aot = Runtime.version().feature() >= 25;
        Files.writeString(dir.resolve(aot ? "depot.jar.aot" : "depot.jar.jsa"), "cache");
        assertThat(options("serve --help")).as("once written, every launch uses it")
                .contains(aot ? "-XX:AOTCache=" + dir.resolve("depot.jar.aot") : "-XX:SharedArchiveFile=");
    }
}
