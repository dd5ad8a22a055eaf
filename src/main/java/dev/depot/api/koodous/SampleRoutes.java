package dev.depot.api.koodous;

import dev.depot.api.Access;
import dev.depot.api.Routes;
import dev.depot.api.nativeapi.Envelope;
import dev.depot.feed.SampleIntake;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /v1/samples}: an analyst submits an APK (the raw body) for the feed. */
public final class SampleRoutes {
    private final SampleIntake intake;

    public SampleRoutes(SampleIntake intake) {
        this.intake = intake;
    }

    public void register(Routes routes) {
        routes.post("/v1/samples", Access.UPLOAD, this::submit);
    }

    private void submit(Context ctx) throws IOException {
        SampleIntake.Result r;
        try (InputStream in = ctx.req().getInputStream()) {
            r = intake.submit(in);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sha256", r.sha256());
        out.put("size", r.size());
        out.put("new", r.isNew());
        out.put("packageName", r.packageName());
        ctx.status(r.isNew() ? 201 : 200);
        Envelope.ok(ctx, out);
    }
}
