package dev.depot.auth;

import dev.depot.core.DepotException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What an API token may do. {@code admin} includes every other scope. */
public enum Scope {
    READ, UPLOAD, PUBLISH, FEED, ADMIN;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Set<Scope> parseList(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : text.split(",")) {
            String p = part.trim().toUpperCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            try {
                scopes.add(Scope.valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new DepotException.Invalid("invalid_scope",
                        "Unknown scope '" + part.trim() + "'; scopes are read, upload, publish, feed, admin.");
            }
        }
        if (scopes.isEmpty()) {
            throw new DepotException.Invalid("invalid_scope", "At least one scope is required.");
        }
        return scopes;
    }

    public static String format(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
    }
}
