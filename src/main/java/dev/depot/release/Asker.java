package dev.depot.release;

/**
 * Who asks for an update: the installation id it sent (registered on first contact, its failed
 * releases not offered again), or, for a client that sends none, a key derived from what it does
 * send (its address and User-Agent).
 */
public record Asker(String installation, String derivedKey) {
    /**
     * Who asks, from what a request carries: the installation id it names (a query parameter, else
     * the {@code Depot-Installation} header), else its client address and User-Agent.
     */
    public static Asker of(String installationParameter, String installationHeader, String clientAddress, String userAgent) {
        String installation = installationParameter != null ? installationParameter : installationHeader;
        return new Asker(installation, clientAddress + "|" + (userAgent == null ? "" : userAgent));
    }

    /** The key a device is bucketed by. */
    String bucketKey() {
        return installation != null ? "installation:" + installation : "derived:" + derivedKey;
    }
}
