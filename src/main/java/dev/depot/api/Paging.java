package dev.depot.api;

import dev.depot.core.DepotException;
import dev.depot.core.PageSize;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A page of a growing list, newest first, as the native API is asked for one:
 * {@code ?before=ID&limit=N}, where {@code before} is the id of the last item of the page before
 * (absent: from the newest) and {@code limit} the page's size ({@link PageSize}). A full page
 * carries {@code Link: <...?before=LAST&limit=N>; rel="next"}; a page shorter than asked is the
 * last.
 */
public record Paging(Long before, int limit) {
    public static Paging of(Context ctx) {
        String before = ctx.queryParam("before");
        String limit = ctx.queryParam("limit");
        Long id = before == null ? null : Params.id(before).orElseThrow(() ->
                new DepotException.Invalid("invalid_parameters", "'before' is the id of the last item of the page before."));
        Integer asked = null;
        if (limit != null) {
            try {
                asked = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                throw new DepotException.Invalid("invalid_parameters", "'" + limit + "' is not a whole number.");
            }
        }
        return new Paging(id, PageSize.of(asked));
    }

    /** {@code page}, after announcing the next page in a {@code Link} header when this one is full. */
    public <T> List<T> linked(Context ctx, List<T> page, ToLongFunction<T> id) {
        if (page.size() >= limit && !page.isEmpty()) {
            ctx.header("Link", "<" + ctx.path() + "?before=" + id.applyAsLong(page.getLast()) + "&limit=" + limit + ">; rel=\"next\"");
        }
        return page;
    }
}
