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

/** Failed logins are throttled per (user, client address), then per user and per address at ten times that, with shipper's 429 body. */
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

    private HttpResponse<String> loginFrom(String address, String user, String password) {
        return server.postForm("/api/v1/maintainers/login/", Map.of("username", user, "password", password),
                "X-Forwarded-For", address);
    }

    /** Through a trusted proxy, so that each request can come from the address the test names. */
    private void startBehindProxy(String maxFailures) throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, maxFailures, Setting.LOGIN_WINDOW, "10m", Setting.TRUSTED_PROXIES, "127.0.0.1"));
        server.depot().auth().createUser("maint", "right-password", false);
    }

    @Test
    void afterTooManyFailuresFromOneAddressThatClientWaitsAndTheUserSignsInFromElsewhere() throws Exception {
        startBehindProxy("3");
        for (int i = 0; i < 3; i++) {
            assertThat(loginFrom("198.51.100.7", "maint", "wrong").statusCode()).isEqualTo(404);
        }

        HttpResponse<String> throttled = loginFrom("198.51.100.7", "maint", "right-password");

        assertThat(throttled.statusCode()).isEqualTo(429);
        String detail = Json.parse(throttled.body()).get("detail").asText();
        assertThat(detail).isEqualTo("Request was throttled. Expected available in 600 seconds.");
        assertThat(throttled.headers().firstValue("Retry-After")).contains("600");
        // shippy waits for the first integer in the detail
        assertThat(detail.replaceAll("\\D+", " ").trim().split(" ")[0]).isEqualTo("600");
        assertThat(loginFrom("203.0.113.9", "maint", "right-password").statusCode())
                .as("someone else's guesses do not lock the real user out").isEqualTo(200);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(loginFrom("198.51.100.7", "maint", "right-password").statusCode()).isEqualTo(200);
    }

    @Test
    void guessesSpreadOverManyAddressesHoldTheUserBackAtTenTimesTheLimit() throws Exception {
        startBehindProxy("3");
        for (int i = 0; i < 30; i++) {
            assertThat(loginFrom("198.51.100." + i, "maint", "guess").statusCode()).isEqualTo(404);
        }
        assertThat(loginFrom("203.0.113.9", "maint", "right-password").statusCode()).isEqualTo(429);
        assertThat(loginFrom("203.0.113.9", "someone-else", "guess").statusCode()).isEqualTo(404);
    }

    @Test
    void oneAddressGuessingManyUsersIsHeldBackAtTenTimesTheLimitNotAtOnce() throws Exception {
        startBehindProxy("3");
        for (String user : new String[] {"a", "b", "c"}) {
            loginFrom("198.51.100.7", user, "typo");
        }
        assertThat(loginFrom("198.51.100.7", "maint", "right-password").statusCode())
                .as("three typos on other names behind a shared address lock nobody out").isEqualTo(200);
        for (int i = 0; i < 30; i++) {
            loginFrom("198.51.100.7", "user" + i, "guess");
        }
        assertThat(loginFrom("198.51.100.7", "maint", "right-password").statusCode()).isEqualTo(429);
        assertThat(loginFrom("203.0.113.9", "maint", "right-password").statusCode()).isEqualTo(200);
    }

    @Test
    void behindATrustedProxyEachClientIsThrottledByItsForwardedAddress() throws Exception {
        startBehindProxy("3");
        for (int i = 0; i < 3; i++) {
            loginFrom("198.51.100.7", "a", "guess");
        }
        assertThat(loginFrom("198.51.100.7", "a", "guess").statusCode()).isEqualTo(429);
        assertThat(loginFrom("203.0.113.9", "a", "guess").statusCode()).as("another client behind the same proxy").isEqualTo(404);
        assertThat(loginFrom("198.51.100.7, 127.0.0.1", "a", "guess").statusCode()).as("trusted hops are skipped").isEqualTo(429);
        assertThat(loginFrom("203.0.113.9, 198.51.100.7", "a", "guess").statusCode())
                .as("the right-most untrusted hop counts, not what the client claimed").isEqualTo(429);
    }

    @Test
    void withoutATrustedProxyTheForwardedHeaderIsIgnored() throws Exception {
        server = TestServer.start(backend, Files.createTempDirectory("depot-throttle"), clock,
                Map.of(Setting.LOGIN_MAX_FAILURES, "3"));
        for (int i = 0; i < 3; i++) {
            loginFrom("198.51.100." + i, "a", "guess");
        }
        assertThat(loginFrom("198.51.100.99", "a", "guess").statusCode()).as("a client cannot pick a fresh address per guess")
                .isEqualTo(429);
    }
}
