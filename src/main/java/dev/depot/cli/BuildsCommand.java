package dev.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "builds", mixinStandardHelpOptions = true, description = "App builds on a server.",
        subcommands = {BuildsCommand.ListBuilds.class})
final class BuildsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an app's builds, newest first.")
    static final class ListBuilds implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--org", required = true)
        String org;

        @Option(names = "--app", required = true)
        String app;

        @Override
        public Integer call() throws Exception {
            JsonNode builds = client.client().getData("/v1/organizations/" + org + "/apps/" + app + "/builds");
            System.out.printf("%-8s %-10s %-12s %-14s %12s  %s%n", "ID", "STATUS", "VERSION", "CREATED", "SIZE", "FILE");
            for (JsonNode b : builds) {
                System.out.printf("%-8s %-10s %-12s %-14s %12d  %s%s%n", b.path("id").asText(), b.path("status").asText(),
                        b.path("versionName").asText(""), b.path("createdAt").asText().substring(0, 10),
                        b.path("size").asLong(), b.path("fileName").asText(), b.path("enabled").asBoolean() ? "" : " (disabled)");
            }
            return 0;
        }
    }
}
