package dev.depot.server;

import dev.depot.api.ClientAddress;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured log line and one timer sample per request. Only the route template is logged,
 * never the concrete path, query or headers, so secrets that travel in them stay out of logs.
 */
final class RequestMetrics {
    private static final Logger log = LoggerFactory.getLogger("depot.access");
    private final MeterRegistry registry;
    private final ClientAddress clients;
    private final Counter bytesIn;
    private final Counter bytesOut;
    /** One timer per method, route and status, found without building a meter id per request. */
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    /** The timers of kept answers, by route template alone. */
    private final ConcurrentHashMap<String, Timer> kept = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry, ClientAddress clients) {
        this.registry = registry;
        this.clients = clients;
        this.bytesIn = Counter.builder("depot.http.bytes.in").description("request body bytes").register(registry);
        this.bytesOut = Counter.builder("depot.http.bytes.out").description("response body bytes").register(registry);
    }

    void record(Context ctx, Float ms) {
        String method = ctx.method().name();
        String route = routeOf(ctx);
        int status = ctx.statusCode();
        Timer timer = timers.computeIfAbsent(method + ' ' + status + ' ' + route, k -> timer(method, route, status));
        record(timer, method, route, status, (long) (ms * 1_000_000), Math.max(0, ctx.req().getContentLengthLong()),
                bytesWritten(ctx), () -> clients.of(ctx));
    }

    /** A 200 to a GET answered ahead of the routes, under {@code route}: its timer is found by the route alone. */
    void recordKept(String route, long nanos, long out, Supplier<String> client) {
        record(kept.computeIfAbsent(route, r -> timers.computeIfAbsent("GET 200 " + r, k -> timer("GET", r, 200))),
                "GET", route, 200, nanos, 0, out, client);
    }

    private Timer timer(String method, String route, int status) {
        return Timer.builder("depot.http.requests").tag("method", method).tag("route", route)
                .tag("status", Integer.toString(status)).publishPercentileHistogram(false).register(registry);
    }

    /** The sample and the access line; {@code client} is asked only when the line is logged. */
    private void record(Timer timer, String method, String route, int status, long nanos, long in, long out,
                        Supplier<String> client) {
        timer.record(nanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(in);
        bytesOut.increment(out);
        if (log.isInfoEnabled()) {
            log.info("method={} route={} status={} ms={} in={} out={} ip={}", method, route, status,
                    Math.round(nanos / 100_000.0) / 10.0, in, out, client.get());
        }
    }

    /** The client a connection from {@code remoteAddress} with {@code forwardedFor} is for. */
    String client(String remoteAddress, String forwardedFor) {
        return clients.of(remoteAddress, forwardedFor);
    }

    private static String routeOf(Context ctx) {
        var matched = ctx.endpoints().matchedHttpEndpoint(); // also when a check before it refused the request
        return matched == null || matched.path.equals("*") ? "unmatched" : matched.path;
    }

    private static long bytesWritten(Context ctx) {
        try {
            return ctx.res().getOutputStream() instanceof HttpOutput out ? out.getWritten() : 0;
        } catch (IOException | IllegalStateException e) {
            return 0;
        }
    }
}
