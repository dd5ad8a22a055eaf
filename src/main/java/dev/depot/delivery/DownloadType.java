package dev.depot.delivery;

import java.util.Locale;
import java.util.Optional;

/** Why a build was fetched: a first install ({@code download}) or an OTA update ({@code update}). */
public enum DownloadType {
    DOWNLOAD, UPDATE;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Optional<DownloadType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "download" -> Optional.of(DOWNLOAD);
            case "update" -> Optional.of(UPDATE);
            default -> Optional.empty();
        };
    }
}
