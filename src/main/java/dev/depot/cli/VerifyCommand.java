package dev.depot.cli;

import dev.depot.cli.client.TufClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code depot verify}: download a build through Depot's TUF repository, trusting only a root shipped out of band. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Download a TUF target (roms/<codename>/<file> "
        + "or apps/<org>/<repository>/<package>_<versionCode>.apk) and verify it from a trusted root.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL", description = "Depot's TUF repository, e.g. https://depot.example/tuf/")
    URI repository;

    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Option(names = "--root", required = true, paramLabel = "ROOT_JSON", description = "The root you trust (got out of band).")
    Path root;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where the verified file goes (default: its name).")
    Path out;

    @Option(names = "--metadata-dir", paramLabel = "DIR", description = "Where trusted metadata is kept between runs "
            + "(default ~/.cache/depot/tuf/<host>).")
    Path metadataDir;

    @Option(names = "--timeout", defaultValue = "30s", description = "Longest any request may take.")
    String timeout;

    @Override
    public Integer call() throws Exception {
        Path dir = metadataDir != null ? metadataDir
                : Path.of(System.getProperty("user.home"), ".cache", "depot", "tuf", repository.getHost() + "-" + repository.getPort());
        Path file = out != null ? out : Path.of(target.substring(target.lastIndexOf('/') + 1));
        TufClient.Verified v = new TufClient(repository, root, dir, dev.depot.config.DurationText.parse(timeout), Clock.systemUTC())
                .download(target, file);
        System.out.println("verified " + v.path() + " (" + v.length() + " bytes, sha256 " + v.sha256() + ") -> " + v.file());
        return 0;
    }

}
