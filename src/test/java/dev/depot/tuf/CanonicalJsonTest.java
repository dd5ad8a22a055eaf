package dev.depot.tuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.json.canonicalizer.JsonCanonicalizer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The canonical JSON Depot signs equals RFC 8785's (sigstore-java's) on what Depot writes, and refuses what would differ. */
class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysSortByCodeUnitNoSpaceOnlyQuoteAndBackslashEscaped() throws Exception {
        JsonNode n = JSON.readTree("""
                {"b": [3, true, null, "x"], "a": {"z": 1, "Z": -2, "é": "Nüsse \\"quoted\\" back\\\\slash"}, "_type": "targets"}""");
        String canonical = CanonicalJson.string(n);
        assertThat(canonical).isEqualTo("{\"_type\":\"targets\",\"a\":{\"Z\":-2,\"z\":1,\"é\":\"Nüsse \\\"quoted\\\" back\\\\slash\"},"
                + "\"b\":[3,true,null,\"x\"]}");
        assertThat(new String(new JsonCanonicalizer(n.toString()).getEncodedUTF8(), StandardCharsets.UTF_8)).isEqualTo(canonical);
    }

    @Test
    void controlCharactersAndFractionsAreRefusedAndTextIsCleaned() throws Exception {
        assertThatThrownBy(() -> CanonicalJson.bytes(JSON.readTree("{\"a\":\"tab\\tbreak\"}")))
                .hasMessageContaining("control character");
        // a PEM key's newlines stay raw, in both canonical forms
        JsonNode pem = JSON.readTree("{\"public\":\"-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----\\n\"}");
        assertThat(CanonicalJson.string(pem)).isEqualTo("{\"public\":\"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n\"}");
        assertThat(new String(new JsonCanonicalizer(pem.toString()).getEncodedUTF8(), StandardCharsets.UTF_8))
                .isEqualTo(CanonicalJson.string(pem));
        assertThatThrownBy(() -> CanonicalJson.bytes(JSON.readTree("{\"a\":1.5}"))).hasMessageContaining("integers only");
        assertThat(CanonicalJson.text("v1\n\tbeta")).isEqualTo("v1  beta");
        assertThat(CanonicalJson.text(null)).isEmpty();
    }
}
