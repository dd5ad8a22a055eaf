package dev.depot.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.auth.Scope;
import dev.depot.config.Setting;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Two nodes over one database build byte-identical packages. */
@ParameterizedClass
@EnumSource(Backend.class)
class FeedReproducibilityTest {
    @Parameter
    Backend backend;

    @Test
    void twoNodesServeTheSameBytes() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-21T10:02:00Z"));
        Map<Setting, String> sameUrl = Map.of(Setting.PUBLIC_URL, "http://depot.example");
        try (TestServer a = TestServer.start(backend, Files.createTempDirectory("depot-nodes"), clock, sameUrl);
             TestServer b = TestServer.secondNode(a, clock, sameUrl)) {
            String token = a.userWithToken("analyst", false, Scope.FEED);
            FeedReceipts feedA = a.depot().feed().receipts();
            FeedReceipts feedB = b.depot().feed().receipts();
            for (int i = 0; i < 50; i++) {
                (i % 2 == 0 ? feedA : feedB).receive(String.format("%064x", 1000 + i), 10 + i, null, null, null, null, null);
                clock.advance(Duration.ofSeconds(70));
            }
            clock.advance(Duration.ofHours(1));

            byte[] hourA = get(a, "/feed/apks?package=20260521T10", token);
            byte[] hourB = get(b, "/feed/apks?package=20260521T10", token);
            assertThat(hourA).isEqualTo(hourB);
            assertThat(FeedApiTest.samples(hourA)).hasSize(50);
            for (String w : new String[] {"1000", "1025", "1055"}) {
                assertThat(get(a, "/feed/apks?package=20260521T" + w, token)).isEqualTo(get(b, "/feed/apks?package=20260521T" + w, token));
            }
        }
    }

    private static byte[] get(TestServer s, String path, String token) {
        HttpResponse<byte[]> r = s.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server().port() + path))
                .header("Authorization", "Token " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
