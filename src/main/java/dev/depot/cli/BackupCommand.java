package dev.depot.cli;

import dev.depot.backup.Backup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code depot backup DIR}: a consistent copy of the embedded default, safe while Depot serves. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Copy the SQLite database, blobs and staged uploads into DIR (absent or empty), "
        + "consistently, while Depot runs.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "DIR", description = "Where the backup goes; must be absent or empty.")
    Path target;

    @Override
    public Integer call() throws Exception {
        Backup.Summary s = Backup.backup(common.settings(), target);
        System.out.printf("backed up %d files (%d bytes) into %s%n", s.files(), s.bytes(), target);
        return 0;
    }
}
