package dev.depot.core;

import java.util.Map;

/**
 * The domain's errors. Each carries a stable {@code reason} (snake_case, shown to clients by the
 * surfaces that have such a field, like shipper's {@code error}) and a human message. Every HTTP
 * surface maps these to its own wire format in one place.
 */
public abstract sealed class DepotException extends RuntimeException {
    private final String reason;
    private final Map<String, Object> details;

    protected DepotException(String reason, String message, Map<String, Object> details) {
        super(message);
        this.reason = reason;
        this.details = Map.copyOf(details);
    }

    public String reason() { return reason; }

    /** Extra fields a client may parse, such as {@code expected_offset}. */
    public Map<String, Object> details() { return details; }

    /** The entity does not exist, or belongs to someone the caller may not see. */
    public static final class NotFound extends DepotException {
        public NotFound(String reason, String message) { super(reason, message, Map.of()); }
    }

    /** The request is malformed or breaks a rule; nothing was changed. */
    public static final class Invalid extends DepotException {
        public Invalid(String reason, String message) { super(reason, message, Map.of()); }

        public Invalid(String reason, String message, Map<String, Object> details) { super(reason, message, details); }
    }

    /** The request conflicts with what exists (a duplicate). */
    public static final class Conflict extends DepotException {
        public Conflict(String reason, String message) { super(reason, message, Map.of()); }
    }

    /** The caller is known but may not do this. */
    public static final class Forbidden extends DepotException {
        public Forbidden(String reason, String message) { super(reason, message, Map.of()); }
    }

    /** The thing existed but has expired. */
    public static final class Gone extends DepotException {
        public Gone(String reason, String message) { super(reason, message, Map.of()); }
    }

    /** A service Depot depends on (the database, the bucket) did not answer; retrying later may work. */
    public static final class Unavailable extends DepotException {
        public Unavailable(String reason, String message) { super(reason, message, Map.of()); }
    }

    /**
     * The disk or the database has no room for what was sent; nothing of it was kept, and sending
     * it again once there is room works (HTTP 507, with a {@code Retry-After}).
     */
    public static final class InsufficientStorage extends DepotException {
        public static final long RETRY_AFTER_SECONDS = 60;

        public InsufficientStorage(String message) { super("insufficient_storage", message, Map.of()); }
    }

    /**
     * What was asked for does not exist yet, or no longer (a feed package of a window still open,
     * or past its week); {@code retryAfterSeconds} says when it will, 0 when it never will again.
     */
    public static final class NotAvailable extends DepotException {
        private final long retryAfterSeconds;

        public NotAvailable(String reason, String message, long retryAfterSeconds) {
            super(reason, message, Map.of());
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() { return retryAfterSeconds; }
    }

    /** Too many attempts; the caller may retry after {@code retryAfterSeconds}. */
    public static final class Throttled extends DepotException {
        private final long retryAfterSeconds;

        public Throttled(long retryAfterSeconds) {
            super("throttled", "Request was throttled. Expected available in " + retryAfterSeconds + " seconds.", Map.of());
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() { return retryAfterSeconds; }
    }

    /** No credentials, unknown credentials or expired credentials. */
    public static final class Unauthenticated extends DepotException {
        public enum Kind { MISSING, INVALID, EXPIRED }

        private final Kind kind;

        public Unauthenticated(Kind kind) {
            super(switch (kind) {
                case MISSING -> "no_auth_token";
                case INVALID -> "invalid_token";
                case EXPIRED -> "token_expired";
            }, switch (kind) {
                case MISSING -> "Authentication credentials were not provided.";
                case INVALID -> "Invalid token.";
                case EXPIRED -> "Token has expired.";
            }, Map.of());
            this.kind = kind;
        }

        public Kind kind() { return kind; }
    }
}
