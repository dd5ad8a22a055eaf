package dev.depot.release;

import dev.depot.core.DepotException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Why an install failed, as a device reports it. */
public enum FailureReason {
    /** The download did not complete (network, server, storage on the way). */
    DOWNLOAD_FAILED,
    /** The bytes did not match their hash or signature. */
    VERIFICATION_FAILED,
    /** The device had no room for the update. */
    INSUFFICIENT_STORAGE,
    /** The update does not apply to this device (wrong base build, incompatible package). */
    INCOMPATIBLE,
    /** Applying the update failed. */
    INSTALL_FAILED,
    /** The update was applied but the device did not come up with it (rolled back by itself). */
    BOOT_FAILED,
    /** The user or the device cancelled it. */
    CANCELLED,
    OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailureReason parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DepotException.Invalid("invalid_reason", "A failure's reason must be one of "
                    + Arrays.stream(values()).map(FailureReason::wireName).collect(Collectors.joining(", ")) + ".");
        }
    }
}
