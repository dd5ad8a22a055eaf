package dev.depot.release;

import dev.depot.core.DepotException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A step of an update as an installation reports it; each is one bit of its record of a release. */
public enum ReportStep {
    OFFERED, DOWNLOADING, DOWNLOADED, INSTALLING, INSTALLED, FAILED;

    public int bit() {
        return 1 << ordinal();
    }

    /** Whether the install ended with this step (what the failure rate counts). */
    public boolean finishes() {
        return this == INSTALLED || this == FAILED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReportStep parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DepotException.Invalid("invalid_step", "The step must be one of "
                    + Arrays.stream(values()).map(ReportStep::wireName).collect(Collectors.joining(", ")) + ".");
        }
    }
}
