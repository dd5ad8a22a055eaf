package dev.depot.cli;

import dev.depot.server.Depot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ota", mixinStandardHelpOptions = true, description = "Server-wide rules for ROM builds.",
        subcommands = {OtaCommand.Pattern.class, OtaCommand.AllowedVersions.class, OtaCommand.X86Type.class})
final class OtaCommand {

    @Command(name = "pattern", mixinStandardHelpOptions = true,
            description = "Show the build file-name pattern, or set it with --set (Python re syntax).")
    static final class Pattern extends AdminCommand {
        @Option(names = "--set", paramLabel = "REGEX",
                description = "New pattern; needs the groups version, codename, variant and date.")
        String pattern;

        @Override
        int run(Depot depot) {
            if (pattern != null) {
                depot.ota().buildNames().setFileNamePattern(pattern);
            }
            System.out.println(depot.ota().buildNames().fileNamePattern().python());
            return 0;
        }
    }

    @Command(name = "allowed-versions", mixinStandardHelpOptions = true,
            description = "Show the versions accepted for upload, or set them with --set (globs, comma- or newline-separated; * for all).")
    static final class AllowedVersions extends AdminCommand {
        @Option(names = "--set", paramLabel = "GLOBS")
        String versions;

        @Override
        int run(Depot depot) {
            if (versions != null) {
                depot.ota().buildNames().setAllowedVersions(versions.replace(',', '\n'));
            }
            System.out.println(depot.ota().buildNames().allowedVersions());
            return 0;
        }
    }

    @Command(name = "x86-type", mixinStandardHelpOptions = true, description = "Add an x86 build type (x86_type group).")
    static final class X86Type extends AdminCommand {
        @Parameters(index = "0", paramLabel = "CODENAME")
        String codename;

        @Option(names = "--description", defaultValue = "")
        String description;

        @Override
        int run(Depot depot) {
            depot.ota().devices().addX86Type(codename, description);
            System.out.println("added x86 type " + codename);
            return 0;
        }
    }
}
