package dev.depot.inspect;

import java.util.List;

/** What an Android App Bundle's base manifest says, and its modules. */
public record AabFacts(String packageName, long versionCode, String versionName, Integer minSdk, Integer targetSdk,
                       Integer maxSdk, String label, List<String> permissions, List<String> modules) {}
