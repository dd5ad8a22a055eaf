package dev.depot.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.config.DurationText;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Request fields from whichever body a client sent: JSON, urlencoded form or multipart form
 * (shipper's clients send all three), falling back to the query string.
 */
public final class Params {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON_BYTES = 1 << 20;

    private final Context ctx;
    private final JsonNode json;

    private Params(Context ctx, JsonNode json) {
        this.ctx = ctx;
        this.json = json;
    }

    public static Params of(Context ctx) {
        String type = ctx.contentType();
        if (type != null && type.toLowerCase().startsWith("application/json")) {
            try {
                byte[] body = ctx.req().getInputStream().readNBytes(MAX_JSON_BYTES + 1);
                if (body.length > MAX_JSON_BYTES) {
                    throw new DepotException.Invalid("invalid_parameters", "The JSON body is larger than 1 MiB.");
                }
                JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                if (node == null || !node.isObject()) {
                    throw new DepotException.Invalid("invalid_parameters", "The JSON body must be an object.");
                }
                return new Params(ctx, node);
            } catch (IOException e) {
                throw new DepotException.Invalid("invalid_parameters", "The body is not valid JSON.");
            }
        }
        return new Params(ctx, null);
    }

    /** The field as text, or empty when absent. JSON booleans and numbers are given as their text. */
    public Optional<String> get(String name) {
        if (json != null) {
            JsonNode n = json.get(name);
            if (n == null || n.isNull()) {
                return Optional.ofNullable(ctx.queryParam(name));
            }
            return Optional.of(n.isTextual() ? n.asText() : n.toString());
        }
        String v = ctx.formParam(name);
        if (v == null) {
            v = ctx.queryParam(name);
        }
        return Optional.ofNullable(v);
    }

    /** A numeric id from a path or a field; empty for anything else (which names nothing, like an unknown id). */
    public static Optional<Long> id(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String require(String name) {
        return get(name).filter(s -> !s.isBlank()).orElseThrow(() ->
                new DepotException.Invalid("missing_parameters", "The field '" + name + "' is required."));
    }

    /** A duration such as {@code 30d} or {@code 12h}; empty when absent or blank. */
    public Optional<Duration> duration(String name) {
        return get(name).filter(s -> !s.isBlank()).map(s -> {
            try {
                return DurationText.parse(s);
            } catch (IllegalArgumentException e) {
                throw new DepotException.Invalid("invalid_parameters", "The field '" + name + "': " + e.getMessage());
            }
        });
    }

    public Optional<Boolean> bool(String name) {
        return get(name).map(v -> switch (v.trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new DepotException.Invalid("invalid_parameters", "The field '" + name + "' must be true or false.");
        });
    }
}
