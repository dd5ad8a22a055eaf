package dev.depot.api;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.Backend;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HEAD answers as GET does, headers without the body, with the GET route's access checked. */
class HeadRequestsTest {
    private static HttpResponse<String> head(TestServer server, String path, String... headers) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                headers);
    }

    @Test
    void everyGetRouteAnswersHeadWithItsStatusAndHeadersAndNoBody() {
        try (TestServer server = TestServer.start(Backend.SQLITE)) {
            OtaFixture f = new OtaFixture(server);
            f.upload("Bliss-v1.0-sunfish-OFFICIAL-gapps-20240101.zip", OtaFixture.randomBytes(100, 1));
            for (String path : List.of("/healthz", "/api/v1/updater/los/sunfish/gapps/", "/api/v1/general/device/all/",
                    "/api/v1/updater/los/nosuchdevice/gapps/", "/", "/devices/sunfish", "/v1/devices/sunfish/installations",
                    "/no/such/route")) {
                HttpResponse<String> get = server.get(path);
                HttpResponse<String> head = head(server, path);
                assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode()).isLessThan(500);
                assertThat(head.body()).as(path).isEmpty();
                assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(get.headers().firstValue("Content-Type"));
            }
            assertThat(head(server, "/v1/devices/sunfish/installations").statusCode()).as("the GET route's access holds")
                    .isEqualTo(401);
            assertThat(head(server, "/v1/devices/sunfish/installations", auth(f.maintainerToken)).statusCode()).isEqualTo(200);
        }
    }
}
