package dev.depot.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Talks to a Depot server's native API for the CLI client. */
public final class DepotClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    final String server;
    final String token;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public DepotClient(String server, String token) {
        this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token;
    }

    /** A failure the server explained (its message) or a transport failure. */
    public static final class ClientException extends IOException {
        public ClientException(String message) {
            super(message);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : server + path))
                .timeout(Duration.ofMinutes(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> h) throws IOException {
        try {
            return http.send(r, h);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted");
        } catch (ConnectException e) {
            throw new ClientException("cannot reach " + server + ": connection refused");
        }
    }

    /** GET of a native endpoint; returns {@code data} or throws with the server's message. */
    public JsonNode getData(String path) throws IOException {
        HttpResponse<String> r = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        return data(r);
    }

    /** POST of a JSON body to a native endpoint; returns {@code data} or throws with the server's message. */
    public JsonNode postData(String path, Object body) throws IOException {
        HttpResponse<String> r = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        return data(r);
    }

    static JsonNode data(HttpResponse<String> r) throws ClientException {
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ClientException("unexpected answer (" + r.statusCode() + ") from the server");
        }
        if (r.statusCode() / 100 != 2 || !body.path("status").asBoolean(false)) {
            JsonNode err = body.path("error");
            throw new ClientException(err.path("message").asText("HTTP " + r.statusCode())
                    + (err.has("code") ? " (" + err.get("code").asInt() + ")" : ""));
        }
        return body.get("data");
    }

    /** Logs in with a password (shipper's login endpoint) and returns a token. */
    public String login(String username, String password) throws IOException {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = send(request("/api/v1/maintainers/login/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new ClientException(body.path("message").asText(body.path("detail").asText("login failed")));
        }
        return body.get("token").asText();
    }
}
