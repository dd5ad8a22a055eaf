package dev.depot.cli;

import dev.depot.auth.Principal;
import dev.depot.repository.Repository;
import dev.depot.server.Depot;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "repo", mixinStandardHelpOptions = true, description = "Manage repositories (app stores).",
        subcommands = {RepoCommand.Add.class, RepoCommand.Publish.class, RepoCommand.Fingerprint.class,
                RepoCommand.Verify.class})
final class RepoCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a repository in an organization.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Option(names = "--title")
        String title;

        @Option(names = "--description")
        String description;

        @Override
        int run(Depot depot) {
            Repository r = depot.repositories().create(Principal.operator(), org, name, title, description);
            System.out.println("created repository " + r.name() + " (state " + r.stateHash() + ")");
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a processed APK build in a repository.")
    static final class Publish extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "BUILD")
        long build;

        @Override
        int run(Depot depot) {
            Repository r = depot.repositories().publish(Principal.operator(), org, name, build);
            System.out.println("published build " + build + " in " + r.name() + " (revision " + r.revision() + ")");
            return 0;
        }
    }

    @Command(name = "fingerprint", mixinStandardHelpOptions = true,
            description = "Print the SHA-256 fingerprint of the repository's F-Droid signing certificate.")
    static final class Fingerprint extends AdminCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int run(Depot depot) {
            System.out.println(depot.fdroid().fingerprint(depot.repositories().require(name)));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute each repository's app count and state hash from its entries and compare them with the "
                    + "stored ones; exit 1 when any differs.")
    static final class Verify extends AdminCommand {
        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Repositories to check (default: all).")
        List<String> names;

        @Option(names = "--repair", description = "Store the recomputed count and hash as a new revision where they differ.")
        boolean repair;

        @Override
        int run(Depot depot) {
            var repositories = names == null || names.isEmpty() ? depot.repositories().all()
                    : names.stream().map(depot.repositories()::require).toList();
            int bad = 0;
            for (Repository r : repositories) {
                var v = repair ? depot.repositories().repair(r) : depot.repositories().verify(r);
                if (v.ok()) {
                    System.out.println(r.name() + ": ok (" + v.actualCount() + " entries, state " + v.actualHash() + ")");
                    continue;
                }
                bad++;
                System.out.println(r.name() + ": " + (repair ? "repaired" : "DIFFERS") + ": stored " + v.storedCount()
                        + " entries, state " + v.storedHash() + "; the entries give " + v.actualCount() + ", state "
                        + v.actualHash());
            }
            return bad > 0 && !repair ? 1 : 0;
        }
    }
}
