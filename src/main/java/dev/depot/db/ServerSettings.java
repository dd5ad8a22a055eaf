package dev.depot.db;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Server-wide values kept in the database ({@code server_settings}), so every node sees the same. */
public final class ServerSettings {
    private final Jdbi jdbi;

    public ServerSettings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<String> get(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM server_settings WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    public void put(String name, String value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_settings (name, value) VALUES (:n, :v) "
                        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                .bind("n", name).bind("v", value).execute());
    }

    /** Stores {@code value} unless the name already has one; returns whichever value is stored. */
    public String putIfAbsent(String name, String value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_settings (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING")
                .bind("n", name).bind("v", value).execute());
        return get(name).orElseThrow();
    }
}
