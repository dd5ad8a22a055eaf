package dev.depot.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/** Counts the valid signatures of a metadata envelope by the keys a role names, each key once. */
final class Signatures {
    private Signatures() {}

    static int count(JsonNode envelope, JsonNode keys, JsonNode keyids) {
        byte[] canonical = CanonicalJson.bytes(envelope.get("signed"));
        Set<String> allowed = new HashSet<>();
        keyids.forEach(id -> allowed.add(id.asText()));
        Set<String> good = new HashSet<>();
        for (JsonNode s : envelope.path("signatures")) {
            String id = s.path("keyid").asText();
            if (!allowed.contains(id) || good.contains(id) || !keys.has(id)) {
                continue;
            }
            TufKey key;
            try {
                key = TufKey.parse(keys.get(id));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (key.keyid().equals(id) && key.verifies(canonical, s.path("sig").asText())) {
                good.add(id);
            }
        }
        return good.size();
    }
}
