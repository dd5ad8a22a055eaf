package dev.depot.cli;

import dev.depot.cli.client.DepotClient;
import dev.depot.config.ConfigException;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code depot}: the server and its administration, one jar. */
@Command(name = "depot", mixinStandardHelpOptions = true, versionProvider = DepotCommand.Version.class,
        description = "Distribution server for Android apps and OTA builds.",
        subcommands = {ServeCommand.class, UserCommand.class, TokenCommand.class, DeviceCommand.class,
                VariantCommand.class, OtaCommand.class, OrgCommand.class, RepoCommand.class, LoginCommand.class, UploadCommand.class, BuildsCommand.class,
                ReleaseCommand.class, TufCommand.class, VerifyCommand.class,
                BackupCommand.class, RestoreCommand.class})
public final class DepotCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; domain errors print as one clear line. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new DepotCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DepotException || e instanceof ConfigException || e instanceof DepotClient.ClientException) {
                commandLine.getErr().println("depot: " + e.getMessage());
                return 1;
            }
            if (e instanceof dev.sigstore.tuf.TufException) {
                // a verification that failed names the client's own error: RollbackVersionException, ...
                commandLine.getErr().println("depot: not verified: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return 3;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"depot " + Depot.VERSION};
        }
    }
}
