package dev.depot.config;

import java.time.Duration;

/** How downloads are served and counted, read once from the settings. */
public record DownloadSettings(Redirect redirect, int bufferBytes, Duration linkTtl, Duration tokenTtl, Duration countFlush,
                               Duration updaterCacheTtl) {
    /** Whether downloads go to presigned storage URLs: always, never, or when the store offers them. */
    public enum Redirect {
        TRUE, FALSE, AUTO;

        /** Whether to redirect, given whether the store serves presigned URLs. */
        public boolean redirects(boolean storeOffersPresignedUrls) {
            return this == TRUE || (this == AUTO && storeOffersPresignedUrls);
        }
    }

    static DownloadSettings of(Settings settings) {
        String redirect = settings.get(Setting.DOWNLOAD_REDIRECT).trim().toLowerCase();
        Redirect r = switch (redirect) {
            case "true" -> Redirect.TRUE;
            case "false" -> Redirect.FALSE;
            case "auto" -> Redirect.AUTO;
            default -> throw new ConfigException(Setting.DOWNLOAD_REDIRECT.key() + " must be true, false or auto, not '"
                    + redirect + "'");
        };
        int buffer = settings.getInt(Setting.DOWNLOAD_BUFFER_BYTES);
        if (buffer <= 0) {
            throw new ConfigException(Setting.DOWNLOAD_BUFFER_BYTES.key() + " must be positive, not " + buffer);
        }
        return new DownloadSettings(r, buffer, settings.getDuration(Setting.DOWNLOAD_LINK_TTL),
                settings.getDuration(Setting.DOWNLOAD_TOKEN_TTL), settings.getDuration(Setting.DOWNLOAD_COUNT_FLUSH),
                settings.getDuration(Setting.UPDATER_CACHE_TTL));
    }
}
