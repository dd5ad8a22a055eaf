package dev.depot.web;

import dev.depot.api.Access;
import dev.depot.api.ClientAddress;
import dev.depot.api.Links;
import dev.depot.api.Routes;
import dev.depot.api.SessionCookie;
import dev.depot.auth.AuthService;
import dev.depot.auth.IssuedToken;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out of the web pages. The sign-in form is guarded against cross-site posts by a
 * random value in a short-lived cookie that the form repeats (there is no session yet to derive a
 * token from); passwords are checked, and failures throttled, by {@link AuthService#signIn}.
 */
public final class SignInPages {
    static final String FORM_COOKIE = "depot_signin";

    private final AuthService auth;
    private final PageRenderer pages;
    private final Links links;
    private final Duration sessionTtl;
    private final ClientAddress clients;
    private final SecureRandom random = new SecureRandom();

    public SignInPages(AuthService auth, PageRenderer pages, Links links, Duration sessionTtl, ClientAddress clients) {
        this.clients = clients;
        this.auth = auth;
        this.pages = pages;
        this.links = links;
        this.sessionTtl = sessionTtl;
    }

    public void register(Routes all) {
        Routes routes = all.on(pages.surface());
        routes.get("/login", Access.PUBLIC, this::form);
        routes.post("/login", Access.PUBLIC, this::signIn);
        routes.post("/logout", Access.SIGNED_IN, this::signOut);
    }

    private void form(Context ctx) {
        if (pages.principal(ctx).isPresent()) {
            ctx.redirect(next(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
            return;
        }
        show(ctx, 200, "", null);
    }

    private void show(Context ctx, int status, String username, String message) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SessionCookie.setStrict(ctx, links, FORM_COOKIE, value, "/login", 3600);
        Map<String, Object> params = new HashMap<>();
        params.put("formToken", value);
        params.put("username", username);
        params.put("next", next(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        params.put("message", message);
        ctx.status(status);
        pages.render(ctx, "login.jte", params);
    }

    private void signIn(Context ctx) {
        String expected = ctx.cookie(FORM_COOKIE);
        String presented = ctx.formParam(SessionCookie.CSRF_FIELD);
        if (expected == null || presented == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII))) {
            show(ctx, 403, "", "The form expired or came from another site; please sign in again.");
            return;
        }
        String username = Optional.ofNullable(ctx.formParam("username")).orElse("").trim();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        if (username.isEmpty() || password.isEmpty()) {
            show(ctx, 400, username, "Enter your username and password.");
            return;
        }
        Optional<IssuedToken> session;
        try {
            session = auth.signIn(username, password, clients.of(ctx), sessionTtl);
        } catch (DepotException.Throttled t) {
            ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
            show(ctx, 429, username, "Too many failed sign-ins; try again in " + t.retryAfterSeconds() + " s.");
            return;
        }
        if (session.isEmpty()) {
            show(ctx, 401, username, "Wrong username or password.");
            return;
        }
        SessionCookie.setStrict(ctx, links, FORM_COOKIE, null, "/login", 0);
        SessionCookie.set(ctx, links, session.get().secret(), sessionTtl.toSeconds());
        ctx.redirect(next(ctx.formParam("next")), HttpStatus.SEE_OTHER);
    }

    private void signOut(Context ctx) {
        auth.signOut(SessionCookie.secret(ctx));
        SessionCookie.clear(ctx, links);
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    /** Where to go after signing in: a path on this server only, never another site. */
    static String next(String requested) {
        if (requested == null || !requested.startsWith("/") || requested.startsWith("//") || requested.startsWith("/\\")
                || requested.chars().anyMatch(c -> c < 0x20)) {
            return "/dashboard";
        }
        return requested;
    }
}
