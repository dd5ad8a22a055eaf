package dev.depot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code serve} parsed without picocli reads exactly what picocli reads, and leaves picocli everything else. */
class ServeDirectParseTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "--port 9000", "--port=9000 --host 0.0.0.0", "--data /srv/depot --config /etc/depot.properties",
            "--database-url=jdbc:postgresql://db/depot --public-url https://depot.example.org --host=::1",
            "--data=", "--public-url http://a/b?c=d"})
    void readsWhatPicocliReads(String line) {
        List<String> args = split(line);
        Optional<ServeCommand> direct = ServeCommand.parsedDirectly(args);
        assertThat(direct).isPresent();
        CommandLine picocli = new CommandLine(new ServeCommand());
        picocli.parseArgs(args.toArray(String[]::new));
        ServeCommand expected = picocli.getCommand();
        assertThat(fields(direct.get())).isEqualTo(fields(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--version", "-V", "--port", "--port nine", "--port 1 --port 2", "--bogus 1",
            "--host --port 1", "extra", "--port=-1"})
    void leavesEverythingElseToPicocli(String line) {
        assertThat(ServeCommand.parsedDirectly(split(line))).isEmpty();
    }

    @Test
    void aServerThatCannotStartSaysWhyInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exitCode;
        try {
            exitCode = DepotCommand.run("serve", "--database-url", "jdbc:postgresql://127.0.0.1:1/depot");
        } finally {
            System.setErr(original);
        }
        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("depot: public.url is required when Depot runs on PostgreSQL");
    }

    private static List<String> split(String line) {
        return line.isEmpty() ? List.of() : Arrays.asList(line.split(" "));
    }

    private static List<Object> fields(ServeCommand command) {
        return Arrays.asList(command.host, command.port, command.publicUrl, command.common.config, command.common.data,
                command.common.databaseUrl);
    }
}
