package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Failed logins are throttled per user and per client address, with shipper's 429 body. */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginThrottleTest {
    @Parameter
    Backend backend;
    MutableClock clock = new MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
    TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> login(String user, String password) {
        return server.postForm("/api/v1/maintainers/login/", Map.of("username", user, "password", password));
    }

    @Test
    void afterTooManyFailuresEvenTheRightPasswordWaitsUntilTheWindowPasses() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, "3", Setting.LOGIN_WINDOW, "10m"));
        server.depot().auth().createUser("maint", "right-password", false);
        for (int i = 0; i < 3; i++) {
            assertThat(login("maint", "wrong").statusCode()).isEqualTo(404);
        }

        HttpResponse<String> throttled = login("maint", "right-password");

        assertThat(throttled.statusCode()).isEqualTo(429);
        String detail = Json.parse(throttled.body()).get("detail").asText();
        assertThat(detail).isEqualTo("Request was throttled. Expected available in 600 seconds.");
        assertThat(throttled.headers().firstValue("Retry-After")).contains("600");
        // shippy waits for the first integer in the detail
        assertThat(detail.replaceAll("\\D+", " ").trim().split(" ")[0]).isEqualTo("600");

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(login("maint", "right-password").statusCode()).isEqualTo(200);
    }

    @Test
    void oneAddressGuessingManyUsersIsThrottledToo() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, "3"));
        for (String user : new String[] {"a", "b", "c"}) {
            login(user, "guess");
        }

        assertThat(login("d", "guess").statusCode()).isEqualTo(429);
    }

    @Test
    void behindATrustedProxyEachClientIsThrottledByItsForwardedAddress() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, "3", Setting.TRUSTED_PROXIES, "127.0.0.1"));
        for (String user : new String[] {"a", "b", "c"}) {
            server.postForm("/api/v1/maintainers/login/", Map.of("username", user, "password", "guess"),
                    "X-Forwarded-For", "198.51.100.7");
        }
        assertThat(server.postForm("/api/v1/maintainers/login/", Map.of("username", "d", "password", "guess"),
                "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(429);
        assertThat(server.postForm("/api/v1/maintainers/login/", Map.of("username", "d", "password", "guess"),
                "X-Forwarded-For", "203.0.113.9").statusCode()).as("another client behind the same proxy").isEqualTo(404);
        assertThat(server.postForm("/api/v1/maintainers/login/", Map.of("username", "e", "password", "guess"),
                "X-Forwarded-For", "198.51.100.7, 127.0.0.1").statusCode()).as("trusted hops are skipped").isEqualTo(429);
        assertThat(server.postForm("/api/v1/maintainers/login/", Map.of("username", "e", "password", "guess"),
                "X-Forwarded-For", "203.0.113.9, 198.51.100.7").statusCode())
                .as("the right-most untrusted hop counts, not what the client claimed").isEqualTo(429);
    }

    @Test
    void withoutATrustedProxyTheForwardedHeaderIsIgnored() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, "3"));
        for (String user : new String[] {"a", "b", "c"}) {
            server.postForm("/api/v1/maintainers/login/", Map.of("username", user, "password", "guess"),
                    "X-Forwarded-For", "198.51.100." + (int) user.charAt(0));
        }
        assertThat(login("d", "guess").statusCode()).as("a client cannot pick a fresh address per guess").isEqualTo(429);
    }
}
