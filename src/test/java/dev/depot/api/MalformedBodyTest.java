package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.support.Backend;
import dev.depot.support.TestServer;
import io.javalin.http.HandlerType;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bodies no client should send, on every route that takes a body, public or not: a multipart
 * type without a boundary, a truncated multipart body, a broken chunked transfer encoding. Each is
 * the client's mistake: a 4xx with a message, never a 500.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedBodyTest {
    private static final Set<HandlerType> WITH_BODY = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH);
    TestServer server;
    String admin;

    final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    void start() {
        server = TestServer.start(Backend.SQLITE);
        admin = server.userWithToken("root", true, Scope.ADMIN);
        logged.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    }

    @AfterAll
    void stop() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        server.close();
    }

    /** A client's mistake is logged as its access line, never as a warning or an error. */
    @org.junit.jupiter.api.AfterEach
    void nothingLoggedAboveInfo() {
        assertThat(logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList()).isEmpty();
    }

    /** Every route with a body, with its path parameters filled in. */
    private List<String[]> routes() {
        List<String[]> out = new ArrayList<>();
        for (RouteTable.Route r : server.server().routes()) {
            if (WITH_BODY.contains(r.method())) {
                String path = r.path().replaceAll("\\{id}", "00000000-0000-0000-0000-000000000000")
                        .replaceAll("\\{[a-z_]+}", "1");
                out.add(new String[] {r.method().name(), path});
            }
        }
        assertThat(out).hasSizeGreaterThan(20);
        return out;
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)),
                "Content-Type", contentType, "Authorization", "Bearer " + admin, "Tus-Resumable", "1.0.0",
                "Content-Range", "bytes 0-2/3", "Upload-Offset", "0", "Upload-Length", "3");
    }

    @Test
    void multipartWithoutABoundaryOrTruncatedIsA400OnEveryRoute() {
        List<String> wrong = new ArrayList<>();
        for (String[] r : routes()) {
            for (String[] body : new String[][] {{"multipart/form-data", "--XX\r\n"},
                    {"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"}}) {
                HttpResponse<String> res;
                try {
                    res = send(r[0], r[1], body[0], body[1].getBytes(StandardCharsets.UTF_8));
                } catch (java.io.UncheckedIOException e) {
                    wrong.add(r[0] + " " + r[1] + " (" + body[0] + "): no answer: " + e.getMessage());
                    continue;
                }
                if (res.statusCode() >= 500 || res.body().contains("at dev.depot") || res.body().contains("Exception")) {
                    wrong.add(r[0] + " " + r[1] + " (" + body[0] + "): " + res.statusCode() + " " + res.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aBrokenChunkedBodyIsA400OnEveryRoute() throws Exception {
        URI base = URI.create(server.url("/"));
        List<String> wrong = new ArrayList<>();
        for (String[] r : routes()) {
            for (String type : new String[] {"application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=XX",
                    "application/offset+octet-stream"}) {
                try (Socket s = new Socket(base.getHost(), base.getPort())) {
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    out.write((r[0] + " " + r[1] + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer " + admin
                            + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Range: bytes 0-2/3\r\nContent-Type: " + type
                            + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String status = statusLine(s.getInputStream());
                    // a 2xx from a route that never reads a body is fine too; what is not is a 5xx or no answer
                    if (!status.matches("HTTP/1\\.1 [234]\\d\\d.*")) {
                        wrong.add(r[0] + " " + r[1] + " (" + type + "): " + status);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static String statusLine(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }
}
