package dev.depot.api.shipper;

import dev.depot.api.KeptAnswer;
import dev.depot.api.Responses;
import dev.depot.core.ChangeBoundCache;
import dev.depot.core.DepotException;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Rendered JSON answers (and refusals) of the update check, so a phone asking again costs no
 * database work. An answer is dropped as soon as this node changes devices, variants or builds
 * ({@code generation} moves) and in any case after {@code ttl}, which bounds how long a change
 * made on another node or by the CLI takes to show.
 */
final class AnswerCache {
    private static final int MAX_ENTRIES = 10_000;

    /** Bodies this large are also kept gzipped (Javalin's own threshold for compressing). */
    private static final int GZIP_FROM = 1500;

    /** A rendered answer, or the refusal to give one. */
    private record Entry(byte[] body, byte[] gzipped, DepotException refusal) {}

    private final ChangeBoundCache<String, Entry> entries;

    AnswerCache(LongSupplier generation, Duration ttl) {
        this.entries = new ChangeBoundCache<>(generation, ttl, MAX_ENTRIES);
    }

    /** Answers {@code ctx} from the cache, rendering with {@code answer} when the cached copy is stale. */
    void serve(Context ctx, String key, Supplier<Object> answer) {
        Entry e = entries.get(key, () -> {
            try {
                byte[] json = ctx.jsonMapper().toJsonString(answer.get(), Object.class).getBytes(StandardCharsets.UTF_8);
                return new Entry(json, json.length >= GZIP_FROM ? gzip(json) : null, null);
            } catch (DepotException refusal) {
                return new Entry(null, null, refusal);
            }
        });
        if (e.refusal() != null) {
            throw e.refusal();
        }
        write(ctx, e);
    }

    /**
     * The kept answer of {@code key} while it is fresh, counted under {@code route}; null when
     * there is none or the kept outcome is a refusal (the routes answer those).
     */
    KeptAnswer kept(String key, String route) {
        Entry e = entries.peek(key);
        return e == null || e.refusal() != null ? null : new KeptAnswer(route, "application/json", e.body(), e.gzipped());
    }

    /** Writes the stored bytes (gzipped when stored so and welcome), as {@link dev.depot.api.Responses#write} does. */
    private static void write(Context ctx, Entry e) {
        byte[] body = e.body();
        HttpServletResponse res = ctx.res();
        res.setContentType("application/json");
        if (e.gzipped() != null) {
            res.setHeader("Vary", "Accept-Encoding");
            if (Responses.acceptsGzip(ctx.header("Accept-Encoding"))) {
                res.setHeader("Content-Encoding", "gzip");
                body = e.gzipped();
            }
        }
        Responses.write(ctx, body);
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
