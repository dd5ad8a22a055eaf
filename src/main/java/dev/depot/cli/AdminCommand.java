package dev.depot.cli;

import dev.depot.server.Depot;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** An admin command: opens Depot's services on the configured data, acts, closes. */
abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public final Integer call() throws Exception {
        try (Depot depot = Depot.open(common.settings(), Clock.systemUTC())) {
            return run(depot);
        }
    }

    abstract int run(Depot depot) throws Exception;
}
