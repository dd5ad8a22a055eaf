package dev.depot.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** IPAs made by the tests themselves: an app folder with an Info.plist and, optionally, a provisioning profile. */
public final class Ipas {
    private Ipas() {}

    public static String infoPlist(String bundleId, String shortVersion, String version, String name) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict>
                <key>CFBundleIdentifier</key><string>%s</string>
                <key>CFBundleShortVersionString</key><string>%s</string>
                <key>CFBundleVersion</key><string>%s</string>
                <key>CFBundleDisplayName</key><string>%s</string>
                <key>MinimumOSVersion</key><string>15.0</string>
                </dict></plist>
                """.formatted(bundleId, shortVersion, version, name.replace("&", "&amp;"));
    }

    /** A stand-in for a CMS-signed profile: binary noise around the clear-text plist, as in real ones. */
    public static byte[] provisioningProfile(String teamId, String expires, int devices) {
        StringBuilder udids = new StringBuilder();
        for (int i = 0; i < devices; i++) {
            udids.append("<string>00008030-00").append(i).append("</string>");
        }
        String plist = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                <key>Name</key><string>Acme Ad Hoc</string>
                <key>TeamName</key><string>Acme Corp</string>
                <key>TeamIdentifier</key><array><string>%s</string></array>
                <key>ExpirationDate</key><date>%s</date>
                <key>ProvisionedDevices</key><array>%s</array>
                </dict></plist>""".formatted(teamId, expires, udids);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x30, (byte) 0x80, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48});
        out.writeBytes(plist.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {0x00, 0x00, (byte) 0xa0, (byte) 0x82});
        return out.toByteArray();
    }

    public static byte[] ipa(String appName, byte[] infoPlist, byte[] profile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("Payload/"));
            z.closeEntry();
            if (infoPlist != null) {
                z.putNextEntry(new ZipEntry("Payload/" + appName + ".app/Info.plist"));
                z.write(infoPlist);
                z.closeEntry();
            }
            if (profile != null) {
                z.putNextEntry(new ZipEntry("Payload/" + appName + ".app/embedded.mobileprovision"));
                z.write(profile);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("Payload/" + appName + ".app/" + appName));
            z.write(new byte[] {(byte) 0xcf, (byte) 0xfa, (byte) 0xed, (byte) 0xfe});
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
