package dev.depot.support;

import com.android.aapt.Resources;
import com.android.bundle.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Android App Bundles made by the tests: a base module with a protobuf manifest and no code. */
public final class Aabs {
    private static final String ANDROID = "http://schemas.android.com/apk/res/android";

    private Aabs() {}

    private static Resources.XmlAttribute attr(String ns, String name, int resId, String value, Integer number) {
        Resources.XmlAttribute.Builder a = Resources.XmlAttribute.newBuilder().setNamespaceUri(ns).setName(name).setValue(value);
        if (resId != 0) {
            a.setResourceId(resId);
        }
        if (number != null) {
            a.setCompiledItem(Resources.Item.newBuilder().setPrim(Resources.Primitive.newBuilder().setIntDecimalValue(number)));
        }
        return a.build();
    }

    private static Resources.XmlNode element(String name, Resources.XmlAttribute... attrs) {
        Resources.XmlElement.Builder e = Resources.XmlElement.newBuilder().setName(name);
        for (Resources.XmlAttribute a : attrs) {
            e.addAttribute(a);
        }
        return Resources.XmlNode.newBuilder().setElement(e).build();
    }

    public static byte[] manifest(String pkg, int versionCode, String versionName, String label) {
        Resources.XmlElement.Builder manifest = Resources.XmlElement.newBuilder().setName("manifest")
                .addNamespaceDeclaration(Resources.XmlNamespace.newBuilder().setPrefix("android").setUri(ANDROID))
                .addAttribute(attr("", "package", 0, pkg, null))
                .addAttribute(attr(ANDROID, "versionCode", 0x0101021b, Integer.toString(versionCode), versionCode))
                .addAttribute(attr(ANDROID, "versionName", 0x0101021c, versionName, null))
                .addChild(element("uses-sdk", attr(ANDROID, "minSdkVersion", 0x0101020c, "21", 21),
                        attr(ANDROID, "targetSdkVersion", 0x01010270, "34", 34)))
                .addChild(element("uses-permission", attr(ANDROID, "name", 0x01010003, "android.permission.INTERNET", null)))
                .addChild(element("application", attr(ANDROID, "label", 0x01010001, label, null),
                        Resources.XmlAttribute.newBuilder().setNamespaceUri(ANDROID).setName("hasCode").setResourceId(0x0101000c)
                                .setValue("false").setCompiledItem(Resources.Item.newBuilder()
                                        .setPrim(Resources.Primitive.newBuilder().setBooleanValue(false))).build()));
        return Resources.XmlNode.newBuilder().setElement(manifest).build().toByteArray();
    }

    public static byte[] bundle(byte[] manifest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("BundleConfig.pb"));
            z.write(Config.BundleConfig.newBuilder()
                    .setBundletool(Config.Bundletool.newBuilder().setVersion("1.18.1")).build().toByteArray());
            z.closeEntry();
            if (manifest != null) {
                z.putNextEntry(new ZipEntry("base/manifest/AndroidManifest.xml"));
                z.write(manifest);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
