package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.support.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with its usage, whatever it requires otherwise. */
class CliHelpTest {

    private static void collect(CommandLine cli, List<String> prefix, List<List<String>> out) {
        for (var e : cli.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            out.add(path);
            collect(e.getValue(), path, out);
        }
    }

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> commands = new ArrayList<>();
        collect(DepotCommand.commandLine(false), List.of(), commands);
        assertThat(commands).extracting(c -> String.join(" ", c)).contains("backup", "restore", "serve", "repo verify");
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            CliRun run = CliRun.depot(null, args.toArray(String[]::new));
            assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
            assertThat(run.out()).as(String.join(" ", args)).contains("Usage: depot " + String.join(" ", command));
            assertThat(run.err()).as(String.join(" ", args)).doesNotContain("Missing required");
        }
    }
}
