package dev.depot.catalog;

import dev.depot.core.DepotException;
import java.util.Locale;

/** A member's role in an organization, weakest first. */
public enum Role {
    VIEWER, MAINTAINER, OWNER;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Role parse(String text) {
        try {
            return Role.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new DepotException.Invalid("invalid_role", "A role is owner, maintainer or viewer.");
        }
    }
}
