package dev.depot.release;

/**
 * One phone or device of a device model or an app, as it identifies itself ({@code key}: the
 * installation id a native client sends, a DDI controller id). {@code hasToken}: it has claimed
 * the token its reports must carry.
 */
public record Installation(long id, ReleaseTarget target, String key, boolean hasToken, String channel, String attributes,
                           long firstSeenAt, long lastSeenAt, Long revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
