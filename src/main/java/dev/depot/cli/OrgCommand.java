package dev.depot.cli;

import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "org", mixinStandardHelpOptions = true, description = "Manage organizations and their apps.",
        subcommands = {OrgCommand.Add.class, OrgCommand.Member.class, OrgCommand.AppAdd.class})
final class OrgCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an organization with its first owner.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String slug;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--owner", required = true, description = "User who owns the organization.")
        String owner;

        @Override
        int run(Depot depot) {
            Organization o = depot.catalog().organizations().createOrganization(Principal.operator(), slug, name, owner);
            System.out.println("created organization " + o.slug() + " owned by " + owner);
            return 0;
        }
    }

    @Command(name = "member", mixinStandardHelpOptions = true, description = "Give a user a role in an organization.")
    static final class Member extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "USER")
        String user;

        @Option(names = "--role", required = true, description = "owner, maintainer or viewer")
        String role;

        @Override
        int run(Depot depot) {
            depot.catalog().organizations().putMember(Principal.operator(), org, user, Role.parse(role));
            System.out.println(user + " is now " + role + " of " + org);
            return 0;
        }
    }

    @Command(name = "app", mixinStandardHelpOptions = true, description = "Add an app to an organization.")
    static final class AppAdd extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "APP")
        String slug;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--platform", defaultValue = "android", description = "android or ios")
        String platform;

        @Option(names = "--package", description = "Package name or bundle id the app's builds must have.")
        String packageName;

        @Override
        int run(Depot depot) {
            if (!platform.equals("android") && !platform.equals("ios")) {
                throw new DepotException.Invalid("invalid_platform", "The platform is android or ios.");
            }
            App a = depot.catalog().apps().createApp(Principal.operator(), org, slug, name, platform, packageName);
            System.out.println("added app " + a.organizationSlug() + "/" + a.slug() + " (" + a.platform() + ")");
            return 0;
        }
    }
}
