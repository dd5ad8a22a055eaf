package dev.depot.catalog;

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

/** A page of an app's builds is read in its order from an index on both databases, whatever the app's history. */
@ParameterizedClass
@EnumSource(Backend.class)
class AppBuildQueryPlanTest {
    private static final Map<String, String> LITERALS = Map.of("app", "1", "before", "3", "limit", "50");

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

    @Test
    void everyPageOfAnAppsBuildsWalksTheIndexInOrder() {
        QueryPlan.inIndexOrder(server, backend, AppRepository.buildsSql(false), LITERALS, "builds_app");
        QueryPlan.inIndexOrder(server, backend, AppRepository.buildsSql(true), LITERALS, "builds_app");
    }
}
