package dev.depot.inspect;

/**
 * What an iOS app archive says: from {@code Info.plist}, and from {@code embedded.mobileprovision}
 * when there is one (null fields otherwise).
 */
public record IpaFacts(String bundleId, String shortVersion, String version, String minimumOsVersion,
                       String displayName, Provisioning provisioning) {

    /** The provisioning profile: team, expiry (ISO-8601), and how many devices it names (ad hoc). */
    public record Provisioning(String teamId, String teamName, String name, String expiresAt, int deviceCount) {}
}
