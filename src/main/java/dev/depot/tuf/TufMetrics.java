package dev.depot.tuf;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * {@code depot_tuf_expires_in_seconds{role}}: how long each top-level role's current version stays
 * valid ({@code role="delegated"}: the soonest of the delegated roles); negative once expired, NaN
 * without a repository. Read from the database when scraped.
 */
public final class TufMetrics {
    private TufMetrics() {}

    public static void register(MeterRegistry metrics, TufService tuf) {
        for (String role : List.of(TufService.ROOT, TufService.TARGETS, TufService.SNAPSHOT, TufService.TIMESTAMP, "delegated")) {
            Gauge.builder("depot_tuf_expires_in_seconds", tuf, t -> secondsLeft(t, role))
                    .description("Seconds until the role's current TUF metadata expires (NaN without a TUF repository)")
                    .tag("role", role).register(metrics);
        }
    }

    private static double secondsLeft(TufService tuf, String role) {
        try {
            return tuf.initialized() ? tuf.secondsLeft().getOrDefault(role, Double.NaN) : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
