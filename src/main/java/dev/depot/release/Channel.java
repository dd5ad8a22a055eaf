package dev.depot.release;

/**
 * A named channel of a device or an app. {@code stability} orders the channels of one target (0
 * is the most stable): a device on a channel is offered the newest of that channel and of every
 * more stable one.
 */
public record Channel(long id, ReleaseTarget target, String name, int stability, boolean isDefault, long createdAt) {}
