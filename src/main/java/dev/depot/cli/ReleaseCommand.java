package dev.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.depot.cli.client.DepotClient;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Controlled releases on a server: a device's ROM builds ({@code --device}) or an app's builds ({@code --org --app}). */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Release builds to channels, stage them by percentage, pause, resume, roll back.",
        subcommands = {ReleaseCommand.Create.class, ReleaseCommand.Promote.class, ReleaseCommand.Rollout.class,
                ReleaseCommand.Pause.class, ReleaseCommand.Resume.class, ReleaseCommand.Complete.class,
                ReleaseCommand.Rollback.class, ReleaseCommand.Status.class, ReleaseCommand.ListReleases.class})
final class ReleaseCommand {

    /** Whose releases: a device, or an organization's app. */
    static final class Target {
        @Option(names = "--device", description = "A device's codename (its ROM builds).")
        String device;

        @ArgGroup(exclusive = false)
        App app;

        static final class App {
            @Option(names = "--org", required = true)
            String org;

            @Option(names = "--app", required = true)
            String app;
        }

        String path() {
            return device != null ? "/v1/devices/" + device + "/releases"
                    : "/v1/organizations/" + app.org + "/apps/" + app.app + "/releases";
        }
    }

    /** Options every subcommand takes. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @ArgGroup(multiplicity = "1")
        Target target;

        DepotClient http() throws IOException {
            return client.client();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Release a build to a channel.")
    static final class Create extends Base {
        @Option(names = "--channel", required = true, description = "stable, beta, nightly or a channel of yours.")
        String channel;

        @Option(names = "--build", required = true, description = "The build's id.")
        long build;

        @Option(names = "--percentage", defaultValue = "100", description = "Share of the channel's devices (0-100, default ${DEFAULT-VALUE}).")
        String percentage;

        @Option(names = "--failure-threshold", description = "Halt when the failure rate is significantly above this percentage (default 5).")
        String threshold;

        @Option(names = "--min-finished", description = "Finished installs before the halt rule judges (default 20).")
        Integer minFinished;

        @Option(names = "--allow-downgrade", description = "Offer it to devices that run something newer.")
        boolean allowDowngrade;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("channel", channel);
            body.put("build", build);
            body.put("percentage", percentage);
            body.put("allowDowngrade", allowDowngrade);
            if (threshold != null) {
                body.put("failureThreshold", threshold);
            }
            if (minFinished != null) {
                body.put("minFinished", minFinished);
            }
            print(http().postData(target.path(), body));
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Release a release's build to another channel.")
    static final class Promote extends Base {
        @Parameters(index = "0", description = "The release's id.")
        long release;

        @Option(names = "--to", required = true, description = "The channel to release it to.")
        String channel;

        @Option(names = "--percentage", defaultValue = "100")
        String percentage;

        @Override
        public Integer call() throws Exception {
            print(http().postData(target.path() + "/" + release + "/promote", Map.of("channel", channel, "percentage", percentage)));
            return 0;
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true, description = "Offer a release to a new share of its channel's devices.")
    static final class Rollout extends Base {
        @Parameters(index = "0", description = "The release's id.")
        long release;

        @Parameters(index = "1", description = "The percentage (0-100).")
        String percentage;

        @Override
        public Integer call() throws Exception {
            print(http().postData(target.path() + "/" + release + "/rollout", Map.of("percentage", percentage)));
            return 0;
        }
    }

    /** A change of state with no options: pause, resume, complete, rollback. */
    abstract static class Transition extends Base {
        @Parameters(index = "0", description = "The release's id.")
        long release;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            print(http().postData(target.path() + "/" + release + "/" + action(), Map.of()));
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Offer a release to no new device.")
    static final class Pause extends Transition {
        String action() { return "pause"; }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Offer a paused or halted release again.")
    static final class Resume extends Transition {
        String action() { return "resume"; }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true, description = "Offer a release to every device of its channel.")
    static final class Complete extends Transition {
        String action() { return "complete"; }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Withdraw a release: its channel offers the one before again.")
    static final class Rollback extends Transition {
        String action() { return "rollback"; }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "A release: its state, funnel, failures and events.")
    static final class Status extends Base {
        @Parameters(index = "0", description = "The release's id.")
        long release;

        @Override
        public Integer call() throws Exception {
            JsonNode r = http().getData(target.path() + "/" + release);
            print(r);
            JsonNode f = r.get("funnel");
            System.out.printf("funnel: offered %d, downloading %d, downloaded %d, installing %d, installed %d, failed %d%n",
                    f.get("offered").asLong(), f.get("downloading").asLong(), f.get("downloaded").asLong(),
                    f.get("installing").asLong(), f.get("installed").asLong(), f.get("failed").asLong());
            for (JsonNode x : r.get("failures")) {
                System.out.printf("failed: %s x%d (hour of %s)%n", x.get("reason").asText(), x.get("count").asLong(),
                        Instant.ofEpochSecond(x.get("hour").asLong()));
            }
            for (JsonNode e : r.get("events")) {
                System.out.printf("%s  %-16s %s%s%n", Instant.ofEpochMilli(e.get("at").asLong()), e.get("kind").asText(),
                        e.get("detail").asText(), e.get("by").isNull() ? "" : " (" + e.get("by").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Releases, newest first.")
    static final class ListReleases extends Base {
        @Option(names = "--channel")
        String channel;

        @Override
        public Integer call() throws Exception {
            JsonNode list = http().getData(target.path() + (channel == null ? "" : "?channel=" + channel));
            System.out.printf("%-6s %-10s %-8s %-12s %8s  %s%n", "ID", "CHANNEL", "BUILD", "STATE", "PERCENT", "INSTALLED/FAILED");
            for (JsonNode r : list) {
                System.out.printf("%-6s %-10s %-8s %-12s %8s  %d/%d%n", r.get("id").asText(), r.get("channel").asText(),
                        r.get("build").asText(), r.get("state").asText(), r.get("percentage").asText(),
                        r.get("funnel").get("installed").asLong(), r.get("funnel").get("failed").asLong());
            }
            return 0;
        }
    }

    /** One line per release: id, channel, build, state and percentage (and why it halted). */
    static void print(JsonNode r) {
        System.out.printf("release %s: build %s on %s, %s at %s %%%s%n", r.get("id").asText(), r.get("build").asText(),
                r.get("channel").asText(), r.get("state").asText(), r.get("percentage").asText(),
                r.get("haltReason").isNull() ? "" : " (" + r.get("haltReason").asText() + ")");
    }
}
