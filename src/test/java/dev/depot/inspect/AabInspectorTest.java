package dev.depot.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.support.Aabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AabInspectorTest {
    @TempDir
    Path dir;

    private Path aab(byte[] manifest) throws Exception {
        return Files.write(dir.resolve("app-" + System.nanoTime() + ".aab"), Aabs.bundle(manifest));
    }

    @Test
    void readsTheBaseManifest() throws Exception {
        AabFacts f = new AabInspector().inspect(aab(Aabs.manifest("com.acme.bundle", 42, "4.2", "Acme Bundle")));

        assertThat(f.packageName()).isEqualTo("com.acme.bundle");
        assertThat(f.versionCode()).isEqualTo(42);
        assertThat(f.versionName()).isEqualTo("4.2");
        assertThat(f.minSdk()).isEqualTo(21);
        assertThat(f.targetSdk()).isEqualTo(34);
        assertThat(f.label()).isEqualTo("Acme Bundle");
        assertThat(f.permissions()).containsExactly("android.permission.INTERNET");
        assertThat(f.modules()).containsExactly("base");
    }

    @Test
    void bundlesWithoutOrWithABrokenManifestAreRefused() throws Exception {
        assertThatThrownBy(() -> new AabInspector().inspect(aab(null))).isInstanceOf(InspectionException.class)
                .hasMessageContaining("base/manifest/AndroidManifest.xml");
        assertThatThrownBy(() -> new AabInspector().inspect(aab(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})))
                .isInstanceOf(InspectionException.class).hasMessageContaining("protobuf");
    }

    @Test
    void makesASignedUniversalApkThatOurApkInspectorReads() throws Exception {
        Path aapt2 = Path.of("/usr/bin/aapt2");
        Assumptions.assumeTrue(Files.isExecutable(aapt2), "aapt2 (Debian package aapt) is not installed; skipping");
        Path ks = dir.resolve("ks.p12");
        dev.depot.keys.StoredKeyStore.generate(ks, "secret-password", "CN=Test");
        UniversalApkBuilder builder = new UniversalApkBuilder(aapt2,
                () -> new UniversalApkBuilder.SigningKey(ks, "secret-password"), Duration.ofMinutes(2));
        Path work = Files.createDirectories(dir.resolve("work"));

        Path apk = builder.build(aab(Aabs.manifest("com.acme.bundle", 42, "4.2", "Acme Bundle")), work).orElseThrow();

        ApkFacts facts = new ApkInspector().inspect(apk);
        assertThat(facts.packageName()).isEqualTo("com.acme.bundle");
        assertThat(facts.versionCode()).isEqualTo(42);
        assertThat(facts.signing().verified()).isTrue();
    }
}
