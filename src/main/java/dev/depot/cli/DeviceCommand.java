package dev.depot.cli;

import dev.depot.ota.Device;
import dev.depot.ota.Ota;
import dev.depot.server.Depot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "device", mixinStandardHelpOptions = true, description = "Manage devices.",
        subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class, DeviceCommand.Maintainer.class})
final class DeviceCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a device.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "CODENAME")
        String codename;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--manufacturer", required = true)
        String manufacturer;

        @Override
        int run(Depot depot) {
            Device d = depot.ota().devices().addDevice(codename, name, manufacturer);
            System.out.println("added device " + d.displayName());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List devices.")
    static final class ListDevices extends AdminCommand {
        @Override
        int run(Depot depot) {
            depot.ota().devices().devices().forEach(d -> System.out.println(d.codename() + "\t" + d.manufacturer() + " " + d.name()));
            return 0;
        }
    }

    @Command(name = "maintainer", mixinStandardHelpOptions = true, description = "Manage a device's maintainers.",
            subcommands = {Maintainer.Add.class, Maintainer.Remove.class})
    static final class Maintainer {
        /** Adds or removes one user as maintainer of one device. */
        abstract static class Change extends AdminCommand {
            @Parameters(index = "0", paramLabel = "CODENAME")
            String codename;

            @Parameters(index = "1", paramLabel = "USER")
            String user;

            abstract void apply(Ota ota);

            abstract String done();

            @Override
            int run(Depot depot) {
                apply(depot.ota());
                System.out.println(user + done() + codename);
                return 0;
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = "Let a user upload builds for a device.")
        static final class Add extends Change {
            @Override
            void apply(Ota ota) { ota.devices().addMaintainer(codename, user); }

            @Override
            String done() { return " now maintains "; }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a maintainer from a device.")
        static final class Remove extends Change {
            @Override
            void apply(Ota ota) { ota.devices().removeMaintainer(codename, user); }

            @Override
            String done() { return " no longer maintains "; }
        }
    }
}
