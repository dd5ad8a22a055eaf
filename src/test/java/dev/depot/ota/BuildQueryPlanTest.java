package dev.depot.ota;

import dev.depot.support.Backend;
import dev.depot.support.QueryPlan;
import dev.depot.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The queries behind the update check, pages of a device's builds, the device list's variants and
 * counts, and the home page's devices reach their rows through an index on both databases: what
 * they read grows with the page, not with the history.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class BuildQueryPlanTest {
    private static final Map<String, String> LITERALS = Map.of("device", "1", "variant", "2", "before", "3", "limit", "50",
            "x86Type", "'x86_64'", "offset", "100", "like", "'%a%'");

    @Parameter
    Backend backend;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(backend);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void indexed(String sql, String table, String alias) {
        QueryPlan.indexed(server, backend, sql, LITERALS, table, alias);
    }

    @Test
    void theUpdateCheckReadsTheNewestPublishedBuildsByIndex() {
        indexed(RomBuildRepository.updaterSql(false), "builds", "b");
        indexed(RomBuildRepository.updaterSql(true), "builds", "b");
    }

    @Test
    void everyShapeOfPageReadsItsBuildsByIndex() {
        for (boolean variant : new boolean[] {false, true}) {
            for (boolean published : new boolean[] {false, true}) {
                for (boolean after : new boolean[] {false, true}) {
                    indexed(RomBuildRepository.pageSql(variant, published, after), "builds", "b");
                }
            }
        }
    }

    @Test
    void variantsAndCountsProbeBuildsByIndex() {
        indexed(RomBuildRepository.VARIANTS_SQL, "builds", "b");
        indexed(RomBuildRepository.COUNTS_SQL.replace("<devices>", "1, 2, 3"), "builds", "b");
    }

    @Test
    void theHomePagesDevicesComeInTheirOrderByIndex() {
        QueryPlan.inIndexOrder(server, backend, DeviceRepository.visiblePageSql(false, false), LITERALS, "devices_listing");
        QueryPlan.inIndexOrder(server, backend, DeviceRepository.visiblePageSql(true, true), LITERALS, "devices_listing");
    }
}
