package dev.depot.cli;

import dev.depot.cli.client.ClientConfig;
import dev.depot.cli.client.DepotClient;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in to a Depot server and save the token under ~/.config/depot (mode 0600).")
final class LoginCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "Server URL, e.g. https://depot.example.org")
    String server;

    @Option(names = "--username", description = "User name (asked for when missing and a terminal is attached).")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--token", description = "Save this API token instead of logging in with a password.")
    String token;

    @Override
    public Integer call() throws Exception {
        String t = token;
        if (t == null) {
            Console console = System.console();
            String user = username;
            if (user == null && console != null) {
                user = console.readLine("Username: ");
            }
            String password;
            if (passwordStdin) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else if (console != null) {
                char[] p = console.readPassword("Password: ");
                password = p == null ? null : new String(p);
            } else {
                password = null;
            }
            if (user == null || password == null) {
                throw new DepotClient.ClientException("give --username and --password-stdin, or --token");
            }
            t = new DepotClient(server, null).login(user, password.strip());
        }
        DepotClient client = new DepotClient(server, t);
        String who = client.getData("/v1/me").path("username").asText();
        ClientConfig.fromEnvironment(System.getenv()).saveCredentials(new ClientConfig.Credentials(server, t));
        System.out.println("logged in to " + server + " as " + who);
        return 0;
    }
}
