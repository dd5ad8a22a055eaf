package dev.depot.cli;

import dev.depot.cli.client.DepotClient;
import dev.depot.config.ConfigException;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code depot}: the server and its administration, one jar. */
@Command(name = "depot", mixinStandardHelpOptions = true, versionProvider = DepotCommand.Version.class,
        description = "Distribution server for Android apps and OTA builds.")
public final class DepotCommand implements Runnable {
    /**
     * The commands, in the order help lists them. They are added to the command line, not named in
     * {@code @Command}, so that {@code serve} can be given alone: picocli reflects on every command
     * it is given, and on the whole tree that cost a server's start about 0.3 s.
     */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, UserCommand.class, TokenCommand.class,
            DeviceCommand.class, VariantCommand.class, OtaCommand.class, OrgCommand.class, RepoCommand.class,
            LoginCommand.class, UploadCommand.class, BuildsCommand.class, ReleaseCommand.class, TufCommand.class,
            VerifyCommand.class, BackupCommand.class, RestoreCommand.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; domain errors print as one clear line. */
    public static int run(String... args) {
        CommandLine cli = commandLine(args.length > 0 && args[0].equals("serve"));
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

    /** The command line with every command, or with {@code serve} alone (which answers just as in the whole). */
    static CommandLine commandLine(boolean serveOnly) {
        CommandLine cli = new CommandLine(new DepotCommand());
        for (Class<?> command : serveOnly ? List.<Class<?>>of(ServeCommand.class) : COMMANDS) {
            cli.addSubcommand(command);
        }
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"depot " + Depot.VERSION};
        }
    }
}
