package dev.depot.release;

/**
 * Who asks for an update: the installation id it sent (registered on first contact, its failed
 * releases not offered again), or, for a client that sends none, a key derived from what it does
 * send (its address and User-Agent).
 */
public record Asker(String installation, String derivedKey) {
    /** The key a device is bucketed by. */
    String bucketKey() {
        return installation != null ? "installation:" + installation : "derived:" + derivedKey;
    }
}
