package dev.depot.cli;

import dev.depot.cli.client.DepotClient;
import dev.depot.config.ConfigException;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
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
        boolean serve = args.length > 0 && args[0].equals("serve");
        if (serve) {
            StartAhead.begin();
            Optional<ServeCommand> direct = ServeCommand.parsedDirectly(Arrays.asList(args).subList(1, args.length));
            if (direct.isPresent()) {
                return call(direct.get());
            }
        }
        CommandLine cli = commandLine(serve);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Integer exitCode = reported(e, commandLine.getErr());
            if (exitCode == null) {
                throw e;
            }
            return exitCode;
        });
        return cli.execute(args);
    }

    /** A command parsed without picocli, run as picocli runs one: the same messages and exit codes. */
    private static int call(Callable<Integer> command) {
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return command.call();
        } catch (Exception e) {
            Integer exitCode = reported(e, err);
            if (exitCode == null) {
                e.printStackTrace(err);
                return 1;
            }
            return exitCode;
        }
    }

    /** The exit code of an error that is the user's to act on, printed as one line; null for any other. */
    private static Integer reported(Exception e, PrintWriter err) {
        if (e instanceof DepotException || e instanceof ConfigException || e instanceof DepotClient.ClientException) {
            err.println("depot: " + e.getMessage());
            return 1;
        }
        if (e instanceof dev.sigstore.tuf.TufException) {
            // a verification that failed names the client's own error: RollbackVersionException, ...
            err.println("depot: not verified: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 3;
        }
        return null;
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
