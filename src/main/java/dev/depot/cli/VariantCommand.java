package dev.depot.cli;

import dev.depot.ota.Variant;
import dev.depot.server.Depot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "variant", mixinStandardHelpOptions = true, description = "Manage ROM variants.",
        subcommands = {VariantCommand.Add.class})
final class VariantCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a variant such as gapps or vanilla.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "CODENAME")
        String codename;

        @Option(names = "--description", defaultValue = "")
        String description;

        @Option(names = "--release-type", description = "What phones compare with ro.lineage.releasetype (default OFFICIAL).")
        String releaseType;

        @Override
        int run(Depot depot) {
            Variant v = depot.ota().devices().addVariant(codename, description, releaseType);
            System.out.println("added variant " + v.codename() + " (" + v.releaseType() + ")");
            return 0;
        }
    }
}
