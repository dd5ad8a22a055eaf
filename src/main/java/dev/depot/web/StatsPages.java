package dev.depot.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.api.Access;
import dev.depot.api.Authenticator;
import dev.depot.api.Routes;
import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.core.DepotException;
import dev.depot.delivery.DownloadCounter.Day;
import dev.depot.delivery.DownloadCounter.StatsFilter;
import dev.depot.delivery.DownloadCounter;
import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import io.javalin.http.Context;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Download statistics as charts: downloads and updates per day over 7, 30 or 90 days, for all
 * the builds the viewer may see (admins: every build; others: the devices they maintain and the
 * apps of their organizations), one device, one app or one build, and the most fetched builds.
 */
public final class StatsPages {
    /** The periods offered, in days; 30 unless asked. */
    static final List<Integer> PERIODS = List.of(7, 30, 90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A choice in the "of" menu: its value and label. */
    public record Choice(String value, String label) {}

    /** The numbers beside the chart. */
    public record Totals(long downloads, long updates) {}

    private final Ota ota;
    private final Catalog catalog;
    private final DownloadCounter counter;
    private final PageRenderer pages;

    public StatsPages(Ota ota, Catalog catalog, DownloadCounter counter, PageRenderer pages) {
        this.ota = ota;
        this.catalog = catalog;
        this.counter = counter;
        this.pages = pages;
    }

    public void register(Routes all) {
        Routes routes = all.on(pages.surface());
        routes.get("/dashboard/stats", Access.SIGNED_IN, this::stats);
    }

    /** Devices and apps the page's chooser lists at most; more are typed, with these suggested. */
    static final int MAX_CHOICES = 100;

    private void stats(Context ctx) {
        Principal me = Authenticator.principal(ctx);
        int days = period(ctx.queryParam("days"));
        String of = ctx.queryParam("of") == null || ctx.queryParam("of").isBlank() ? "all" : ctx.queryParam("of");

        Map<String, Device> devices = new LinkedHashMap<>();
        ota.devices().devicesManagedBy(me).forEach(d -> devices.put(d.codename(), d));
        Map<String, App> apps = new LinkedHashMap<>();
        for (Organization org : catalog.organizations().organizations(me)) {
            for (App a : catalog.apps().apps(me, org.slug())) {
                apps.put(org.slug() + "/" + a.slug(), a);
            }
        }
        List<Choice> all = new ArrayList<>();
        all.add(new Choice("all", me.admin() ? "Every build" : "All my builds"));
        devices.values().forEach(d -> all.add(new Choice("device:" + d.codename(), d.manufacturer() + " " + d.name() + " (" + d.codename() + ")")));
        apps.forEach((ref, a) -> all.add(new Choice("app:" + ref, "App " + a.name() + " (" + ref + ")")));
        // a page lists a bounded number of choices; past that, one is typed (the list suggests the first)
        boolean typed = all.size() > MAX_CHOICES;
        List<Choice> choices = new ArrayList<>(all.subList(0, Math.min(all.size(), MAX_CHOICES)));
        all.stream().filter(c -> c.value().equals(of) && !choices.contains(c)).findFirst().ifPresent(choices::add);

        StatsFilter filter;
        if (of.equals("all")) {
            filter = me.admin() ? StatsFilter.everything()
                    : new StatsFilter(false, devices.values().stream().map(Device::id).toList(),
                            apps.values().stream().map(App::id).toList(), null);
        } else if (of.startsWith("device:") && devices.containsKey(of.substring(7))) {
            filter = new StatsFilter(false, List.of(devices.get(of.substring(7)).id()), List.of(), null);
        } else if (of.startsWith("app:") && apps.containsKey(of.substring(4))) {
            filter = new StatsFilter(false, List.of(), List.of(apps.get(of.substring(4)).id()), null);
        } else {
            throw new DepotException.NotFound("unknown_selection", "There is no such device or app among yours.");
        }
        String buildParam = ctx.queryParam("build");
        if (buildParam != null && !buildParam.isBlank()) {
            filter = filter.build(Dashboard.parseId(buildParam, "build"));
        }

        List<Day> daily = counter.daily(filter, days);
        long downloads = daily.stream().mapToLong(Day::downloads).sum();
        long updates = daily.stream().mapToLong(Day::updates).sum();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("days", days);
        params.put("periods", PERIODS);
        params.put("of", of);
        params.put("build", buildParam == null ? "" : buildParam);
        params.put("choices", choices);
        params.put("typed", typed);
        params.put("totals", new Totals(downloads, updates));
        params.put("series", series(daily));
        params.put("top", counter.top(filter, days, 10));
        pages.render(ctx, "stats.jte", params);
    }

    static int period(String text) {
        try {
            int d = Integer.parseInt(text == null ? "30" : text.trim());
            return PERIODS.contains(d) ? d : 30;
        } catch (NumberFormatException e) {
            return 30;
        }
    }

    /** The chart's data as uPlot takes it: x in Unix seconds, then one array per series. */
    private static String series(List<Day> daily) {
        List<Long> x = new ArrayList<>();
        List<Long> d = new ArrayList<>();
        List<Long> u = new ArrayList<>();
        for (Day day : daily) {
            x.add(day.day().atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            d.add(day.downloads());
            u.add(day.updates());
        }
        try {
            return JSON.writeValueAsString(List.of(x, d, u));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
