package dev.depot.cli;

import dev.depot.backup.Backup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code depot restore DIR}: puts a backup back into a data directory that holds no database yet. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a backup made by 'depot backup' into the data directory "
        + "(which must not hold a database; stop Depot first).")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "DIR", description = "A directory written by 'depot backup'.")
    Path source;

    @Override
    public Integer call() throws Exception {
        var settings = common.settings();
        Backup.Summary s = Backup.restore(settings, source);
        System.out.printf("restored %d files (%d bytes) into %s%n", s.files(), s.bytes(), settings.dataDir());
        return 0;
    }
}
