package dev.depot.cli;

import dev.depot.cli.client.ClientConfig;
import dev.depot.cli.client.DepotClient;
import java.io.IOException;
import picocli.CommandLine.Option;

/** Where the client commands find the server and token: flags, then DEPOT_SERVER/DEPOT_TOKEN, then {@code depot login}'s file. */
final class ClientOptions {
    @Option(names = "--server", description = "Server URL (default: the one saved by 'depot login', or DEPOT_SERVER).")
    String server;

    @Option(names = "--token", description = "API token (default: DEPOT_TOKEN, or the one saved by 'depot login').")
    String token;

    ClientConfig config() {
        return ClientConfig.fromEnvironment(System.getenv());
    }

    DepotClient client() throws IOException {
        var saved = config().credentials();
        String s = server != null ? server : System.getenv().getOrDefault("DEPOT_SERVER",
                saved.map(ClientConfig.Credentials::server).orElse(null));
        String t = token != null ? token : System.getenv().getOrDefault("DEPOT_TOKEN",
                saved.map(ClientConfig.Credentials::token).orElse(null));
        if (s == null || t == null) {
            throw new DepotClient.ClientException("not logged in: run 'depot login --server URL' first");
        }
        return new DepotClient(s, t);
    }
}
