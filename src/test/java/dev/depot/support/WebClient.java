package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser's side of the web pages over plain HTTP: signs in through the form, keeps the cookie, posts forms. */
public final class WebClient {
    private static final Pattern HIDDEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

    private final TestServer server;
    private String session;
    private String csrf;

    public WebClient(TestServer server) {
        this.server = server;
    }

    /** Signs in through the form; returns the final answer to the form post. */
    public HttpResponse<String> signIn(String username, String password) {
        HttpResponse<String> form = server.get("/login");
        String formCookie = cookie(form, "depot_signin");
        Matcher m = HIDDEN.matcher(form.body());
        assertThat(m.find()).as("the sign-in form carries its token").isTrue();
        HttpResponse<String> r = postRaw("/login", Map.of("_csrf", m.group(1), "username", username, "password", password),
                "Cookie", "depot_signin=" + formCookie);
        String s = cookie(r, "depot_session");
        if (s != null && !s.isEmpty()) {
            session = s;
            Matcher meta = META.matcher(get("/dashboard").body());
            assertThat(meta.find()).isTrue();
            csrf = meta.group(1);
        }
        return r;
    }

    public String session() { return session; }

    public String csrf() { return csrf; }

    public HttpResponse<String> get(String path, String... headers) {
        return server.get(path, with(headers, "Cookie", "depot_session=" + session));
    }

    /** A form post with the page's CSRF token, as the browser sends it. */
    public HttpResponse<String> post(String path, Map<String, String> form, String... headers) {
        Map<String, String> all = new LinkedHashMap<>(form);
        all.put("_csrf", csrf);
        return postRaw(path, all, with(headers, "Cookie", "depot_session=" + session));
    }

    /** A form post without the CSRF token, as another site could make the browser send it. */
    public HttpResponse<String> postWithoutCsrf(String path, Map<String, String> form) {
        return postRaw(path, form, "Cookie", "depot_session=" + session);
    }

    private HttpResponse<String> postRaw(String path, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).POST(HttpRequest.BodyPublishers.ofString(body)),
                with(headers, "Content-Type", "application/x-www-form-urlencoded"));
    }

    /** The value a response's Set-Cookie gives the named cookie, or null. */
    public static String cookie(HttpResponse<?> r, String name) {
        return setCookie(r, name).map(h -> h.substring(name.length() + 1, h.contains(";") ? h.indexOf(';') : h.length()))
                .orElse(null);
    }

    /** The whole Set-Cookie header for the named cookie. */
    public static java.util.Optional<String> setCookie(HttpResponse<?> r, String name) {
        List<String> all = r.headers().allValues("Set-Cookie");
        return all.stream().filter(h -> h.startsWith(name + "=")).findFirst();
    }

    private static String[] with(String[] headers, String... more) {
        String[] out = java.util.Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, out, headers.length, more.length);
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
