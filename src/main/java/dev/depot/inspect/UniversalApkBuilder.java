package dev.depot.inspect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Makes the universal APK of an app bundle with bundletool, which needs Android's {@code aapt2}
 * (Debian package {@code aapt}). bundletool runs in a child JVM, so a hostile bundle can take
 * neither the server's memory nor its time (the child is killed at the time limit). The APK is
 * signed with the server's key (see {@link SigningKey}).
 */
public final class UniversalApkBuilder {
    private static final String KEY_ALIAS = "depot"; // the alias StoredKeyStore uses
    private final Path aapt2;
    private final Supplier<SigningKey> key;
    private final Duration timeLimit;

    /** A PKCS#12 key store on disk with alias {@code depot}, and its password. */
    public record SigningKey(Path keyStore, String password) {}

    public UniversalApkBuilder(Path aapt2, Supplier<SigningKey> key, Duration timeLimit) {
        this.aapt2 = aapt2;
        this.key = key;
        this.timeLimit = timeLimit;
    }

    /** Whether aapt2 is installed; without it no universal APK can be made. */
    public boolean available() {
        return Files.isExecutable(aapt2);
    }

    /** The universal APK of {@code aab}, written into {@code workDir}; empty when aapt2 is missing. */
    public Optional<Path> build(Path aab, Path workDir) throws InspectionException {
        if (!available()) {
            return Optional.empty();
        }
        SigningKey k = key.get();
        Path apks = workDir.resolve("universal.apks");
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "com.android.tools.build.bundletool.BundleToolMain", "build-apks", "--mode=universal",
                "--bundle=" + aab, "--output=" + apks, "--aapt2=" + aapt2, "--ks=" + k.keyStore(),
                "--ks-pass=pass:" + k.password(), "--ks-key-alias=" + KEY_ALIAS, "--key-pass=pass:" + k.password()));
        String output = run(cmd, workDir.resolve("bundletool.log"));
        if (!Files.isRegularFile(apks)) {
            throw new InspectionException("bundletool could not make a universal APK: " + lastLine(output));
        }
        Path apk = workDir.resolve("universal.apk");
        try (ZipArchive zip = ZipArchive.open(apks)) {
            ZipArchive.Entry e = zip.find("universal.apk").orElseThrow(() ->
                    new InspectionException("bundletool's output holds no universal.apk"));
            zip.copyTo(e, apk, 4L << 30);
        } catch (IOException e) {
            throw new InspectionException("cannot read bundletool's output: " + e.getMessage(), e);
        }
        return Optional.of(apk);
    }

    private String run(List<String> cmd, Path log) throws InspectionException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new InspectionException("bundletool took longer than " + timeLimit.toSeconds() + " s");
            }
            return Files.readString(log);
        } catch (IOException e) {
            throw new InspectionException("cannot run " + Path.of(cmd.getFirst()).getFileName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InspectionException("interrupted while making a universal APK", e);
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return (nl < 0 ? t : t.substring(nl + 1)).strip();
    }
}
