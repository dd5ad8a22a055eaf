package dev.depot.catalog;

import java.util.Locale;

/** What a build file is, judged by its name; inspection then confirms it. */
public enum BuildKind {
    APK, AAB, IPA, OTA, OTHER;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static BuildKind ofFileName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".apk")) {
            return APK;
        }
        if (n.endsWith(".aab")) {
            return AAB;
        }
        if (n.endsWith(".ipa")) {
            return IPA;
        }
        if (n.endsWith(".zip")) {
            return OTA;
        }
        return OTHER;
    }

    public static BuildKind parse(String text) {
        return BuildKind.valueOf(text.toUpperCase(Locale.ROOT));
    }
}
