package dev.depot.inspect;

import com.dd.plist.NSArray;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads an IPA: {@code Payload/<App>.app/Info.plist} (binary or XML) and the app's
 * {@code embedded.mobileprovision}, whose plist sits inside a CMS signature.
 */
public final class IpaInspector {
    private static final Pattern INFO_PLIST = Pattern.compile("Payload/[^/]+\\.app/Info\\.plist");
    private static final Pattern PROVISION = Pattern.compile("Payload/[^/]+\\.app/embedded\\.mobileprovision");
    static final int MAX_PLIST_BYTES = 1 << 20;

    public IpaFacts inspect(Path ipa) throws InspectionException {
        try (ZipArchive zip = ZipArchive.open(ipa)) {
            ZipArchive.Entry info = find(zip, INFO_PLIST).orElseThrow(() ->
                    new InspectionException("not an IPA: there is no Payload/<App>.app/Info.plist"));
            NSDictionary plist = PlistReader.dictionary(zip.read(info, MAX_PLIST_BYTES), "Info.plist");
            String bundleId = PlistReader.string(plist, "CFBundleIdentifier", "Info.plist");
            if (bundleId == null || bundleId.isBlank()) {
                throw new InspectionException("Info.plist names no CFBundleIdentifier");
            }
            String display = PlistReader.string(plist, "CFBundleDisplayName", "Info.plist");
            if (display == null) {
                display = PlistReader.string(plist, "CFBundleName", "Info.plist");
            }
            IpaFacts.Provisioning provisioning = null;
            Optional<ZipArchive.Entry> profile = find(zip, PROVISION);
            if (profile.isPresent()) {
                provisioning = provisioning(zip.read(profile.get(), MAX_PLIST_BYTES));
            }
            return new IpaFacts(bundleId, PlistReader.string(plist, "CFBundleShortVersionString", "Info.plist"),
                    PlistReader.string(plist, "CFBundleVersion", "Info.plist"),
                    PlistReader.string(plist, "MinimumOSVersion", "Info.plist"), display, provisioning);
        } catch (IOException e) {
            throw new InspectionException("cannot read the IPA: " + e.getMessage(), e);
        }
    }

    private static Optional<ZipArchive.Entry> find(ZipArchive zip, Pattern name) {
        return zip.entries().stream().filter(e -> name.matcher(e.name()).matches()).findFirst();
    }

    /** The plist inside a provisioning profile's CMS envelope is stored in the clear: cut it out. */
    static IpaFacts.Provisioning provisioning(byte[] cms) throws InspectionException {
        String text = new String(cms, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("<?xml");
        int end = text.indexOf("</plist>", Math.max(start, 0));
        if (start < 0 || end < 0) {
            throw new InspectionException("embedded.mobileprovision holds no property list");
        }
        byte[] xml = text.substring(start, end + "</plist>".length()).getBytes(StandardCharsets.ISO_8859_1);
        NSDictionary p = PlistReader.dictionary(xml, "embedded.mobileprovision");
        String teamId = null;
        NSObject ids = p.objectForKey("TeamIdentifier");
        if (ids instanceof NSArray a && a.count() > 0 && a.objectAtIndex(0) instanceof NSString s) {
            teamId = s.getContent();
        }
        String expires = null;
        NSObject exp = p.objectForKey("ExpirationDate");
        if (exp instanceof NSDate d) {
            expires = d.getDate().toInstant().toString();
        } else if (exp != null) {
            throw new InspectionException("embedded.mobileprovision: ExpirationDate is not a date");
        }
        int devices = 0;
        NSObject list = p.objectForKey("ProvisionedDevices");
        if (list instanceof NSArray a) {
            devices = a.count();
        } else if (list != null) {
            throw new InspectionException("embedded.mobileprovision: ProvisionedDevices is not an array");
        }
        return new IpaFacts.Provisioning(teamId, PlistReader.string(p, "TeamName", "embedded.mobileprovision"),
                PlistReader.string(p, "Name", "embedded.mobileprovision"), expires, devices);
    }
}
