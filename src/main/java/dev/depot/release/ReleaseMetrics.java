package dev.depot.release;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of the releases under way (rolling, paused or halted, and the newest
 * complete ones; at most {@link #MAX_RELEASES}): per release its percentage, whether it halted,
 * and its funnel, labelled by release, target and channel. Read from the database at most every
 * {@link #REFRESH_MILLIS} when metrics are scraped, so a scrape costs one bounded query.
 */
public final class ReleaseMetrics {
    static final int MAX_RELEASES = 200;
    private static final long REFRESH_MILLIS = 10_000;

    private final ReleaseRepository repository;
    private final MultiGauge percentage;
    private final MultiGauge halted;
    private final MultiGauge installations;
    private final AtomicLong refreshedAt = new AtomicLong();

    public ReleaseMetrics(ReleaseRepository repository, MeterRegistry registry) {
        this.repository = repository;
        this.percentage = MultiGauge.builder("depot_release_percentage")
                .description("Share of its channel's devices a release is offered to (0-100)").register(registry);
        this.halted = MultiGauge.builder("depot_release_halted")
                .description("1 while a release is halted by its failure rate").register(registry);
        this.installations = MultiGauge.builder("depot_release_installations")
                .description("Installations that reached each step of a release, each counted once").register(registry);
    }

    /** Reads the releases under way again, unless that was done in the last 10 seconds. */
    public void refresh() {
        long now = System.currentTimeMillis();
        long last = refreshedAt.get();
        if (now - last < REFRESH_MILLIS || !refreshedAt.compareAndSet(last, now)) {
            return;
        }
        List<ReleaseRepository.Labelled> underWay;
        try {
            underWay = repository.underWay(MAX_RELEASES);
        } catch (RuntimeException e) {
            // a database that does not answer leaves the last values; /readyz says why
            return;
        }
        List<MultiGauge.Row<?>> percentages = new ArrayList<>();
        List<MultiGauge.Row<?>> halts = new ArrayList<>();
        List<MultiGauge.Row<?>> steps = new ArrayList<>();
        for (ReleaseRepository.Labelled l : underWay) {
            Release r = l.release();
            Tags tags = Tags.of("release", Long.toString(r.id()), "target", l.target(), "channel", r.channel().name());
            percentages.add(MultiGauge.Row.of(tags, r.percentage()));
            halts.add(MultiGauge.Row.of(tags, r.state() == ReleaseState.HALTED ? 1 : 0));
            Funnel f = r.funnel();
            long[] counts = {f.offered(), f.downloading(), f.downloaded(), f.installing(), f.installed(), f.failed()};
            for (ReportStep step : ReportStep.values()) {
                steps.add(MultiGauge.Row.of(tags.and("step", step.wireName()), counts[step.ordinal()]));
            }
        }
        percentage.register(percentages, true);
        halted.register(halts, true);
        installations.register(steps, true);
    }
}
