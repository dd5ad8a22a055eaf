package dev.depot.api;

import dev.depot.delivery.DownloadType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Absolute URLs Depot hands to clients, built on the configured public URL. */
public final class Links {
    private final Supplier<String> base;

    public Links(Supplier<String> base) {
        this.base = base;
    }

    public String base() {
        return base.get();
    }

    /**
     * Where a build's bytes are served. With a type, fetching the link from its first byte counts
     * one download of that type; without one it counts nothing (the caller counted already).
     */
    public String buildDownload(long buildId, String fileName, DownloadType countAs) {
        String url = base.get() + "/download/builds/" + buildId + "/" + encodePathSegment(fileName);
        return countAs == null ? url : url + "?type=" + countAs.wireName();
    }

    public static String encodePathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
