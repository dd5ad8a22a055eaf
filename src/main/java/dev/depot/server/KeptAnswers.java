package dev.depot.server;

import dev.depot.api.KeptAnswer;
import dev.depot.api.Responses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler of every request: a GET whose answer was rendered earlier and is still fresh
 * ({@link KeptAnswer.Source}) is written straight from those bytes, without the servlet layer or
 * Javalin's routing, with the headers the route would send and counted in the request metrics
 * under the route's template, as if the route had answered. The answers kept are public ones, so
 * no access check is skipped.
 *
 * <p>Like every handler here it runs on a virtual thread of its own per request. Declaring it
 * non-blocking (answering kept answers on the selector's thread and handing the rest to a virtual
 * thread) measured 88-96k req/s against 67-72k, but a request whose body then breaks off is failed
 * by Jetty while the routes still run it; that is not worth the speed.
 */
final class KeptAnswers extends Handler.Wrapper {
    private final KeptAnswer.Source source;
    private final RequestMetrics metrics;
    private final Counter served;

    KeptAnswers(KeptAnswer.Source source, RequestMetrics metrics, MeterRegistry registry) {
        this.source = source;
        this.metrics = metrics;
        this.served = Counter.builder("depot.http.kept.answers")
                .description("requests answered from kept bytes ahead of the routes").register(registry);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        KeptAnswer answer = HttpMethod.GET.is(request.getMethod()) ? source.find(request.getHttpURI().getPath()) : null;
        if (answer == null) {
            return super.handle(request, response, callback);
        }
        byte[] body = answer.body();
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
        if (answer.gzipped() != null) {
            headers.put(HttpHeader.VARY, HttpHeader.ACCEPT_ENCODING.asString());
            if (Responses.acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING))) {
                headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
                body = answer.gzipped();
            }
        }
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.setStatus(200);
        served.increment(); // before the write, so a client that has the answer finds it counted
        response.write(true, ByteBuffer.wrap(body), callback);
        metrics.recordKept(answer.route(), System.nanoTime() - start, body.length,
                () -> metrics.client(Request.getRemoteAddr(request), request.getHeaders().get("X-Forwarded-For")));
        return true;
    }
}
