package dev.depot.api;

import static dev.depot.support.TestServer.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.support.AppFixture;
import dev.depot.support.Backend;
import dev.depot.support.Json;
import dev.depot.support.OtaFixture;
import dev.depot.support.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators drop into their monitoring (deploy/prometheus, deploy/grafana): Prometheus's own
 * {@code promtool} checks the alerting rules and runs their unit tests, and parses every query of
 * the Grafana dashboard; every series the rules and the dashboard select is one a live Depot
 * exports, with the labels they select on, so a renamed metric cannot leave an alert that never
 * fires or an empty panel. The promtool tests run where Debian's prometheus package is installed
 * (CI installs it).
 */
class MonitoringFilesTest {
    private static final Path RULES = Path.of("deploy", "prometheus", "depot-rules.yml");
    private static final Path DASHBOARD = Path.of("deploy", "grafana", "depot-dashboard.json");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** A metric name, with the matchers that follow it when there are any. */
    private static final Pattern SELECTOR = Pattern.compile("((?:depot|jvm|process)_[a-z_]+)(\\{([^}]*)})?");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)");

    @TempDir
    Path dir;

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus) is not installed; skipping");

        assertThat(promtool(RULES.getParent(), "check", "rules", "depot-rules.yml")).contains("SUCCESS: 9 rules found");
        assertThat(promtool(RULES.getParent(), "test", "rules", "depot-rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void promtoolParsesEveryQueryOfTheDashboard() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus) is not installed; skipping");
        List<String> queries = dashboardQueries();
        // each query as a recording rule, with Grafana's interval variable as Grafana fills it in
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(queries.get(i).replace("$__rate_interval", "1m").replace("'", "''"))
                    .append("'\n");
        }
        Files.writeString(dir.resolve("dashboard-rules.yml"), rules);

        assertThat(promtool(dir, "check", "rules", "dashboard-rules.yml")).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void everySeriesTheRulesAndTheDashboardSelectIsExportedWithItsLabels() throws Exception {
        String rules = Files.readString(RULES);
        String queries = String.join("\n", dashboardQueries());
        try (TestServer server = TestServer.start(Backend.SQLITE)) {
            // series appear on first use: one inspection job (the job counter), a staged release
            // (the release gauges) and a collection (the GC pause timer)
            new AppFixture(server).uploadAndWaitQuietly("apps/a2dp.Vol_137.apk");
            OtaFixture ota = new OtaFixture(server);
            long build = ota.upload("Bliss-v15.8-sunfish-OFFICIAL-gapps-20240512.zip", OtaFixture.randomBytes(2500, 2));
            HttpResponse<String> release = server.postJson("/v1/devices/sunfish/releases",
                    "{\"channel\":\"stable\",\"build\":" + build + ",\"percentage\":30}", auth(ota.maintainerToken));
            assertThat(release.statusCode()).as(release.body()).isEqualTo(201);
            String scrape = "";
            for (int i = 0; i < 50 && !scrape.contains("jvm_gc_pause_seconds_sum"); i++) {
                System.gc();
                Thread.sleep(100);
                scrape = server.get("/metrics").body();
            }

            Set<String> inRules = assertExported(rules, scrape);
            Set<String> onDashboard = assertExported(queries, scrape);

            assertThat(inRules).contains("depot_http_requests_seconds_count", "depot_jobs_oldest_wait_seconds",
                    "depot_jobs_total", "depot_downloads_dropped_total", "depot_tuf_expires_in_seconds");
            assertThat(onDashboard).contains("depot_http_requests_seconds_count", "depot_http_bytes_out_total",
                    "depot_uploads_bytes_total", "depot_jobs_queued", "jvm_memory_used_bytes");
        }
    }

    private static Set<String> assertExported(String expressions, String scrape) {
        Set<String> selected = new TreeSet<>();
        Matcher m = SELECTOR.matcher(expressions);
        while (m.find()) {
            String name = m.group(1);
            selected.add(name);
            assertThat(scrape).as("the scrape has %s", name).containsPattern("(?m)^" + name + "[ {]");
            if (m.group(3) == null) {
                continue;
            }
            Matcher l = LABEL.matcher(m.group(3));
            while (l.find()) {
                String label = l.group(1);
                if (label.equals("job") || label.equals("instance")) {
                    continue; // added by Prometheus at the scrape
                }
                assertThat(scrape).as("%s has the label %s", name, label)
                        .containsPattern("(?m)^" + name + "\\{([^}]*,)?" + label + "=\"");
            }
        }
        return selected;
    }

    private static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = Json.parse(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets")).as("panel %s has queries", panel.get("title")).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                queries.add(target.get("expr").asText());
            }
        }
        assertThat(queries).isNotEmpty();
        return queries;
    }

    private static String promtool(Path workDir, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = PROMTOOL.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}
