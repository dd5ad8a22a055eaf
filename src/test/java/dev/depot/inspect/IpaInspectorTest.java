package dev.depot.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import dev.depot.support.Ipas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpaInspectorTest {
    @TempDir
    Path dir;
    private final IpaInspector inspector = new IpaInspector();

    private Path write(byte[] b) throws Exception {
        return Files.write(dir.resolve("app-" + System.nanoTime() + ".ipa"), b);
    }

    @Test
    void readsInfoPlistAndTheProvisioningProfile() throws Exception {
        byte[] ipa = Ipas.ipa("Acme", Ipas.infoPlist("com.acme.app", "2.1", "210", "Acme").getBytes(StandardCharsets.UTF_8),
                Ipas.provisioningProfile("ABCDE12345", "2027-03-01T12:00:00Z", 3));

        IpaFacts f = inspector.inspect(write(ipa));

        assertThat(f.bundleId()).isEqualTo("com.acme.app");
        assertThat(f.shortVersion()).isEqualTo("2.1");
        assertThat(f.version()).isEqualTo("210");
        assertThat(f.minimumOsVersion()).isEqualTo("15.0");
        assertThat(f.displayName()).isEqualTo("Acme");
        assertThat(f.provisioning().teamId()).isEqualTo("ABCDE12345");
        assertThat(f.provisioning().teamName()).isEqualTo("Acme Corp");
        assertThat(f.provisioning().expiresAt()).isEqualTo("2027-03-01T12:00:00Z");
        assertThat(f.provisioning().deviceCount()).isEqualTo(3);
    }

    @Test
    void readsABinaryInfoPlist() throws Exception {
        NSDictionary d = new NSDictionary();
        d.put("CFBundleIdentifier", "com.acme.binary");
        d.put("CFBundleShortVersionString", "1.0");
        d.put("CFBundleName", "Binary");
        byte[] binary = BinaryPropertyListWriter.writeToArray(d);

        IpaFacts f = inspector.inspect(write(Ipas.ipa("Bin", binary, null)));

        assertThat(f.bundleId()).isEqualTo("com.acme.binary");
        assertThat(f.displayName()).isEqualTo("Binary");
        assertThat(f.provisioning()).isNull();
    }

    @Test
    void anIpaWithoutInfoPlistIsRefused() throws Exception {
        assertThatThrownBy(() -> inspector.inspect(write(Ipas.ipa("Acme", null, null))))
                .isInstanceOf(InspectionException.class).hasMessageContaining("Info.plist");
    }

    @Test
    void aPlistWithWrongTypesIsRefused() throws Exception {
        String wrong = "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>CFBundleIdentifier</key><integer>42</integer></dict></plist>";
        assertThatThrownBy(() -> inspector.inspect(write(Ipas.ipa("Acme", wrong.getBytes(StandardCharsets.UTF_8), null))))
                .isInstanceOf(InspectionException.class).hasMessageContaining("CFBundleIdentifier should be a string");
        String array = "<?xml version=\"1.0\"?><plist version=\"1.0\"><array><string>x</string></array></plist>";
        assertThatThrownBy(() -> inspector.inspect(write(Ipas.ipa("Acme", array.getBytes(StandardCharsets.UTF_8), null))))
                .isInstanceOf(InspectionException.class).hasMessageContaining("not a dictionary");
    }

    @Test
    void garbageAndForgedBinaryPlistsAreRefused() throws Exception {
        assertThatThrownBy(() -> inspector.inspect(write(Ipas.ipa("Acme", "not a plist".getBytes(), null))))
                .isInstanceOf(InspectionException.class);
        byte[] forged = new byte[64];
        System.arraycopy("bplist00".getBytes(), 0, forged, 0, 8);
        forged[64 - 32 + 6] = 1;
        forged[64 - 32 + 7] = 1;
        java.nio.ByteBuffer.wrap(forged).putLong(64 - 24, Long.MAX_VALUE / 2);
        assertThatThrownBy(() -> inspector.inspect(write(Ipas.ipa("Acme", forged, null))))
                .isInstanceOf(InspectionException.class).hasMessageContaining("damaged binary property list");
    }

    @Test
    void externalEntitiesAreNotResolved() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<plist version=\"1.0\"><dict><key>CFBundleIdentifier</key><string>&x;</string></dict></plist>";
        try {
            IpaFacts f = inspector.inspect(write(Ipas.ipa("Acme", xxe.getBytes(StandardCharsets.UTF_8), null)));
            assertThat(f.bundleId()).doesNotContain("TOP-SECRET");
        } catch (InspectionException refused) {
            assertThat(refused.getMessage()).doesNotContain("TOP-SECRET");
        }
    }

    @Test
    void aProfileWithWrongTypesIsRefused() throws Exception {
        byte[] profile = Ipas.provisioningProfile("T", "2027-01-01T00:00:00Z", 1);
        String broken = new String(profile, StandardCharsets.ISO_8859_1).replace("<date>2027-01-01T00:00:00Z</date>", "<string>soon</string>");
        byte[] ipa = Ipas.ipa("Acme", Ipas.infoPlist("a.b", "1", "1", "A").getBytes(StandardCharsets.UTF_8),
                broken.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> inspector.inspect(write(ipa))).isInstanceOf(InspectionException.class)
                .hasMessageContaining("ExpirationDate");
    }
}
