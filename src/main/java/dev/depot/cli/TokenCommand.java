package dev.depot.cli;

import dev.depot.auth.IssuedToken;
import dev.depot.auth.Scope;
import dev.depot.config.DurationText;
import dev.depot.server.Depot;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
        subcommands = {TokenCommand.Create.class})
final class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once; only its hash is stored.")
    static final class Create extends AdminCommand {
        @Option(names = "--user", required = true, description = "Owner of the token.")
        String user;

        @Option(names = "--scope", required = true, description = "Scopes, comma-separated: read, upload, publish, feed, admin.")
        String scopes;

        @Option(names = "--expires", description = "Lifetime such as 30d or 12h (default: never expires).")
        String expires;

        @Option(names = "--name", defaultValue = "cli", description = "A label for the token.")
        String name;

        @Override
        int run(Depot depot) {
            Duration ttl = expires == null ? null : DurationText.parse(expires);
            IssuedToken t = depot.auth().createToken(depot.auth().requireUser(user), name, Scope.parseList(scopes), ttl);
            System.out.println(t.secret());
            return 0;
        }
    }
}
