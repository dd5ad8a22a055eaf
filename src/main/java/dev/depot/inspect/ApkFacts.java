package dev.depot.inspect;

import java.util.List;

/**
 * What an APK says about itself (from its binary manifest and resource table) and how it is
 * signed. SDK levels are null when the manifest does not state them; {@code iconPath} is the
 * archive path of the launcher icon (a PNG, or an XML drawable), when the manifest names one.
 */
public record ApkFacts(String packageName, long versionCode, String versionName, Integer minSdk, Integer targetSdk,
                       Integer maxSdk, String label, List<String> permissions, List<String> features,
                       List<String> nativeAbis, Signing signing, String iconPath) {

    /**
     * The verdict of Google's apksig, as {@code apksigner verify} gives it. {@code signerSig} is
     * what F-Droid's index calls {@code sig}: the MD5 of the hex text of each signer's DER certificate.
     */
    public record Signing(boolean verified, boolean v1, boolean v2, boolean v3, List<String> signerCertSha256,
                          List<String> signerSig, List<String> errors) {}
}
