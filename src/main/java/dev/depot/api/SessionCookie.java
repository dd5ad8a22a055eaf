package dev.depot.api;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The web session: a browser signs in for an API token whose secret lives only in an HttpOnly,
 * SameSite=Lax cookie (Secure when Depot is reached over TLS). Its CSRF token is derived from the
 * secret, so every node can check it without shared state, and a page that cannot read the cookie
 * cannot make it: forms carry it in {@code _csrf}, scripts in the {@code X-CSRF-Token} header.
 */
public final class SessionCookie {
    public static final String NAME = "depot_session";
    public static final String CSRF_FIELD = "_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private SessionCookie() {}

    /** The session secret the browser sent, or null. */
    public static String secret(Context ctx) {
        String v = ctx.cookie(NAME);
        return v == null || v.isBlank() ? null : v;
    }

    public static void set(Context ctx, Links links, String secret, long maxAgeSeconds) {
        ctx.cookie(new Cookie(NAME, secret, "/", (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds), secure(ctx, links), true, null,
                SameSite.LAX));
    }

    public static void clear(Context ctx, Links links) {
        ctx.cookie(new Cookie(NAME, "", "/", 0, secure(ctx, links), true, null, SameSite.LAX));
    }

    /**
     * A short-lived cookie for one path that only same-site navigation carries (the sign-in form's
     * value, a new token's secret across a redirect); {@code null} clears it.
     */
    public static void setStrict(Context ctx, Links links, String name, String value, String path, int maxAgeSeconds) {
        boolean clear = value == null;
        ctx.cookie(new Cookie(name, clear ? "" : value, path, clear ? 0 : maxAgeSeconds, secure(ctx, links), true, null,
                SameSite.STRICT));
    }

    /** Whether cookies must be Secure: Depot's public URL is https, or this request came over TLS. */
    public static boolean secure(Context ctx, Links links) {
        return links.base().startsWith("https://") || "https".equalsIgnoreCase(ctx.scheme())
                || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    /** The CSRF token that goes with a session secret. */
    public static String csrf(String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("depot-csrf\0".getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code presented} is the CSRF token of the session {@code secret}, compared in constant time. */
    public static boolean csrfMatches(String secret, String presented) {
        return presented != null && MessageDigest.isEqual(csrf(secret).getBytes(StandardCharsets.US_ASCII),
                presented.trim().getBytes(StandardCharsets.US_ASCII));
    }

    /** The CSRF token a request presents: the header, or else the urlencoded form field. */
    static String presentedCsrf(Context ctx) {
        String h = ctx.header(CSRF_HEADER);
        if (h != null) {
            return h;
        }
        String type = ctx.contentType();
        return type != null && type.startsWith("application/x-www-form-urlencoded") ? ctx.formParam(CSRF_FIELD) : null;
    }
}
