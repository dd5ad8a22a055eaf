package dev.depot.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;

/** How the surfaces' error bodies are asserted, shared by every test that checks one. */
public final class ApiAssertions {
    private ApiAssertions() {}

    /** The native envelope's error: {@code {"status":false,"error":{"code":N,"message":"..."}}}. */
    public static void assertEnvelopeError(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("status").asBoolean()).as(r.body()).isFalse();
        assertThat(body.get("error").get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(body.get("error").get("message").asText()).as(r.body()).isNotBlank();
    }

    /** shipper's {@code {"error","message"}}. */
    public static void assertShipperError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    /** Django REST framework's {@code {"detail"}}, with shipper's {@code message} beside it. */
    public static void assertShipperDetail(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.parse(r.body());
        assertThat(body.get("detail").asText()).isEqualTo(detail);
        assertThat(body.get("message").asText()).isEqualTo(detail);
    }
}
