package dev.depot.cli;

import dev.depot.auth.User;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class})
final class UserCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--admin", description = "Make the user an admin.")
        boolean admin;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        int run(Depot depot) throws IOException {
            String password = readPassword();
            User u = depot.auth().createUser(name, password, admin);
            System.out.println("created user " + u.username() + (u.admin() ? " (admin)" : ""));
            return 0;
        }

        private String readPassword() throws IOException {
            if (passwordStdin) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return line == null ? "" : line.strip();
            }
            Console console = System.console();
            if (console == null) {
                return null; // no password: the user signs in with tokens only
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !new String(first).equals(new String(again))) {
                throw new DepotException.Invalid("password_mismatch", "The passwords do not match.");
            }
            return new String(first);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers extends AdminCommand {
        @Override
        int run(Depot depot) {
            for (User u : depot.auth().listUsers()) {
                System.out.println(u.username() + (u.admin() ? "\tadmin" : "\t") + (u.active() ? "" : "\tinactive"));
            }
            return 0;
        }
    }
}
