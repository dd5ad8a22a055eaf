package dev.depot.release;

/**
 * What a channel, a release or an installation belongs to: a device (its ROM builds) or an app
 * (its app builds). Exactly one of the two ids is set.
 */
public record ReleaseTarget(Long deviceId, Long appId) {
    public ReleaseTarget {
        if ((deviceId == null) == (appId == null)) {
            throw new IllegalArgumentException("a release target is a device or an app");
        }
    }

    public static ReleaseTarget device(long id) {
        return new ReleaseTarget(id, null);
    }

    public static ReleaseTarget app(long id) {
        return new ReleaseTarget(null, id);
    }

    public boolean isDevice() {
        return deviceId != null;
    }

    /** The column that names the target in {@code channels} and {@code installations}. */
    String column() {
        return isDevice() ? "device_id" : "app_id";
    }

    long id() {
        return isDevice() ? deviceId : appId;
    }
}
