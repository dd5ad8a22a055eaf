package dev.depot.release;

import java.util.Locale;

/** Where a release stands. Only a rolling or a complete release offers itself. */
public enum ReleaseState {
    /** Offered to the share of devices its percentage names. */
    ROLLING,
    /** Stopped by a person: offered to no new device until resumed. */
    PAUSED,
    /** Stopped by the halt rule (too many failed installs): offered to no new device until a person resumes it. */
    HALTED,
    /** Offered to every device of its channel. */
    COMPLETE,
    /** Withdrawn: the channel offers the release before it again. */
    ROLLED_BACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean offers() {
        return this == ROLLING || this == COMPLETE;
    }

    /** Whether a person may pause it: only what offers itself. */
    public boolean mayPause() {
        return offers();
    }

    /** Whether a person may resume it: a paused or halted release. */
    public boolean mayResume() {
        return this == PAUSED || this == HALTED;
    }

    /** Whether its percentage may change: not once complete or rolled back. */
    public boolean mayChangePercentage() {
        return this != COMPLETE && this != ROLLED_BACK;
    }

    /** Whether it may be completed (again, harmlessly) or rolled back: anything not rolled back. */
    public boolean mayCompleteOrRollBack() {
        return this != ROLLED_BACK;
    }

    static ReleaseState parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
