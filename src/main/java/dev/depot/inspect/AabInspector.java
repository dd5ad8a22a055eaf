package dev.depot.inspect;

import com.android.aapt.Resources;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads an Android App Bundle: the protobuf manifest of the {@code base} module
 * ({@code base/manifest/AndroidManifest.xml}, aapt2's XmlNode) and the list of modules.
 */
public final class AabInspector {
    private static final String ANDROID = "http://schemas.android.com/apk/res/android";
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    public AabFacts inspect(Path aab) throws InspectionException {
        try (ZipArchive zip = ZipArchive.open(aab)) {
            ZipArchive.Entry entry = zip.find("base/manifest/AndroidManifest.xml").orElseThrow(() ->
                    new InspectionException("not an app bundle: there is no base/manifest/AndroidManifest.xml"));
            Resources.XmlNode root = parse(zip.read(entry, MAX_MANIFEST_BYTES));
            if (!root.hasElement() || !root.getElement().getName().equals("manifest")) {
                throw new InspectionException("the bundle's manifest has no <manifest> element");
            }
            Resources.XmlElement manifest = root.getElement();
            String pkg = attribute(manifest, "", "package");
            if (pkg == null || pkg.isBlank()) {
                throw new InspectionException("the bundle's manifest names no package");
            }
            long versionCode = parseLong(attribute(manifest, ANDROID, "versionCode"), "versionCode");
            Integer minSdk = null;
            Integer targetSdk = null;
            Integer maxSdk = null;
            String label = null;
            TreeSet<String> permissions = new TreeSet<>();
            for (Resources.XmlNode child : manifest.getChildList()) {
                if (!child.hasElement()) {
                    continue;
                }
                Resources.XmlElement e = child.getElement();
                switch (e.getName()) {
                    case "uses-sdk" -> {
                        minSdk = sdk(attribute(e, ANDROID, "minSdkVersion"));
                        targetSdk = sdk(attribute(e, ANDROID, "targetSdkVersion"));
                        maxSdk = sdk(attribute(e, ANDROID, "maxSdkVersion"));
                    }
                    case "uses-permission", "uses-permission-sdk-23" -> {
                        String name = attribute(e, ANDROID, "name");
                        if (name != null) {
                            permissions.add(name);
                        }
                    }
                    case "application" -> label = attribute(e, ANDROID, "label");
                    default -> {
                        // other elements carry nothing we report
                    }
                }
            }
            TreeSet<String> modules = new TreeSet<>();
            for (ZipArchive.Entry z : zip.entries()) {
                int slash = z.name().indexOf('/');
                if (slash > 0 && z.name().startsWith("manifest/AndroidManifest.xml", slash + 1)) {
                    modules.add(z.name().substring(0, slash));
                }
            }
            return new AabFacts(pkg, versionCode, attribute(manifest, ANDROID, "versionName"), minSdk, targetSdk, maxSdk,
                    label, List.copyOf(permissions), List.copyOf(modules));
        } catch (IOException e) {
            throw new InspectionException("cannot read the bundle: " + e.getMessage(), e);
        }
    }

    private static Resources.XmlNode parse(byte[] bytes) throws InspectionException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(64);
            return Resources.XmlNode.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new InspectionException("the bundle's manifest is not a valid protobuf XmlNode: " + e.getMessage(), e);
        }
    }

    /** An attribute's text: its literal value, or its compiled primitive when there is no literal. */
    private static String attribute(Resources.XmlElement e, String namespace, String name) {
        for (Resources.XmlAttribute a : e.getAttributeList()) {
            if (a.getName().equals(name) && a.getNamespaceUri().equals(namespace)) {
                if (!a.getValue().isEmpty()) {
                    return a.getValue();
                }
                if (a.hasCompiledItem() && a.getCompiledItem().hasPrim()) {
                    Resources.Primitive p = a.getCompiledItem().getPrim();
                    return switch (p.getOneofValueCase()) {
                        case INT_DECIMAL_VALUE -> Integer.toString(p.getIntDecimalValue());
                        case INT_HEXADECIMAL_VALUE -> Integer.toString(p.getIntHexadecimalValue());
                        case BOOLEAN_VALUE -> Boolean.toString(p.getBooleanValue());
                        default -> null;
                    };
                }
                if (a.hasCompiledItem() && a.getCompiledItem().hasRef()) {
                    return "@" + Integer.toHexString(a.getCompiledItem().getRef().getId());
                }
                return a.getValue();
            }
        }
        return null;
    }

    private static long parseLong(String v, String what) throws InspectionException {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InspectionException("the bundle's " + what + " is not a number: " + v);
        }
    }

    private static Integer sdk(String v) {
        try {
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
