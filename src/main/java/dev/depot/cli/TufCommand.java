package dev.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.core.DepotException;
import dev.depot.server.Depot;
import dev.depot.tuf.CanonicalJson;
import dev.depot.tuf.SigningKey;
import dev.depot.tuf.TufKey;
import dev.depot.tuf.TufService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code depot tuf}: the TUF repository's keys and roots. The root keys stay offline: {@code init}
 * and {@code root-next} write an unsigned root, {@code sign} (on the machine that holds a key
 * file, no server needed) adds a signature, {@code import} makes it trusted.
 */
@Command(name = "tuf", mixinStandardHelpOptions = true, description = "The TUF repository: keys, roots, rotation, status.",
        subcommands = {TufCommand.Keygen.class, TufCommand.Init.class, TufCommand.Sign.class, TufCommand.Import.class,
                TufCommand.RootNext.class, TufCommand.Rotate.class, TufCommand.Status.class})
final class TufCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make a key file (private; keep it offline) and its public half (FILE.pub).")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Option(names = "--type", defaultValue = "ed25519", description = "ed25519 (default) or ecdsa (P-256).")
        String type;

        @Override
        public Integer call() throws IOException {
            SigningKey key = SigningKey.generate(TufKey.Algorithm.parse(type));
            writePrivate(out, CanonicalJson.file(key.keyFile()));
            Files.writeString(Path.of(out + ".pub"), CanonicalJson.file(key.publicKey().json()) + "\n");
            System.out.println(key.keyid());
            return 0;
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Make the repository's online keys and root "
            + "version 1 over the given offline root keys; sign it with 'depot tuf sign' and load it with 'depot tuf import'. "
            + "With --generate-root-keys, root keys are made in DIR and root version 1 is signed and imported at once.")
    static final class Init extends AdminCommand {
        @Option(names = "--root-key", paramLabel = "PUBLIC_KEY_FILE", description = "A root key's public half (repeat).")
        List<Path> rootKeys = new ArrayList<>();

        @Option(names = "--generate-root-keys", paramLabel = "DIR", description = "Make --keys root key files in DIR "
                + "(move them offline afterwards).")
        Path generate;

        @Option(names = "--keys", defaultValue = "1", description = "How many root keys --generate-root-keys makes.")
        int count;

        @Option(names = "--threshold", defaultValue = "1", description = "How many root keys must sign each root.")
        int threshold;

        @Option(names = "--out", paramLabel = "FILE", description = "Where the unsigned root goes (default root-1.json).")
        Path out;

        @Override
        int run(Depot depot) throws IOException {
            TufService tuf = depot.tuf().service();
            if (tuf.initialized()) {
                throw new DepotException.Conflict("tuf_initialized",
                        "The TUF repository already has a root; rotate keys with a new root version (depot tuf root-next).");
            }
            List<SigningKey> generated = new ArrayList<>();
            List<TufKey> keys = new ArrayList<>(readPublicKeys(rootKeys));
            if (generate != null) {
                Files.createDirectories(generate);
                for (int i = 1; i <= count; i++) {
                    SigningKey k = SigningKey.generate(TufKey.Algorithm.ED25519);
                    Path file = generate.resolve("root-" + i + ".key");
                    writePrivate(file, CanonicalJson.file(k.keyFile()));
                    Files.writeString(Path.of(file + ".pub"), CanonicalJson.file(k.publicKey().json()) + "\n");
                    generated.add(k);
                    keys.add(k.publicKey());
                }
            }
            String root = tuf.init(keys, threshold);
            if (!generated.isEmpty() && generated.size() >= threshold) {
                for (SigningKey k : generated) {
                    root = TufService.sign(root, k);
                }
                Path file = out == null ? generate.resolve("root-1.json") : out;
                Files.writeString(file, root);
                TufService.Refresh r = tuf.importRoot(root);
                System.out.println("TUF repository made; signed " + String.join(", ", r.signed()) + "; root keys in " + generate
                        + ", trusted root in " + file);
                return 0;
            }
            Path file = out == null ? Path.of("root-1.json") : out;
            Files.writeString(file, root);
            System.out.println("unsigned root version 1 written to " + file + "; sign it with " + threshold
                    + " root key(s) (depot tuf sign " + file + " --key KEY_FILE) and load it (depot tuf import " + file + ")");
            return 0;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = "Add a key file's signature to a metadata file "
            + "(offline: no server, no database).")
    static final class Sign implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "KEY_FILE", description = "A private key file (repeat).")
        List<Path> keys;

        @Override
        public Integer call() throws IOException {
            String envelope = Files.readString(file);
            for (Path k : keys) {
                SigningKey key = SigningKey.fromKeyFile(JSON.readTree(Files.readString(k)));
                envelope = TufService.sign(envelope, key);
                System.out.println("signed " + file + " with " + key.keyid());
            }
            Files.writeString(file, envelope);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Make a signed root the trusted one; "
            + "online metadata is signed again at once.")
    static final class Import extends AdminCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        int run(Depot depot) throws IOException {
            TufService.Refresh r = depot.tuf().service().importRoot(Files.readString(file));
            System.out.println("imported; signed " + String.join(", ", r.signed()));
            return 0;
        }
    }

    @Command(name = "root-next", mixinStandardHelpOptions = true, description = "Write the next root version, unsigned: "
            + "a fresh expiry, new online keys for --rotate roles, new root keys or threshold. Sign it with a threshold of "
            + "the current root keys and of its own, then import it.")
    static final class RootNext extends AdminCommand {
        @Option(names = "--rotate", paramLabel = "ROLE", description = "targets, snapshot or timestamp (repeat).")
        List<String> rotate = new ArrayList<>();

        @Option(names = "--root-key", paramLabel = "PUBLIC_KEY_FILE", description = "The new root keys (repeat; default: the current ones).")
        List<Path> rootKeys = new ArrayList<>();

        @Option(names = "--threshold")
        Integer threshold;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        int run(Depot depot) throws IOException {
            String root = depot.tuf().service().nextRoot(new TufService.NextRoot(new LinkedHashSet<>(rotate),
                    readPublicKeys(rootKeys), threshold));
            Files.writeString(out, root);
            System.out.println("unsigned root version " + JSON.readTree(root).path("signed").path("version").asLong()
                    + " written to " + out);
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Give a delegated role (device-<codename>, "
            + "org-<slug>) a new key; only the targets role's delegation changes with it.")
    static final class Rotate extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ROLE")
        String role;

        @Override
        int run(Depot depot) {
            TufService.Refresh r = depot.tuf().service().rotate(role);
            System.out.println("rotated " + role + "; signed " + String.join(", ", r.signed()));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Each role's version, expiry and keys.")
    static final class Status extends AdminCommand {
        @Override
        int run(Depot depot) {
            List<TufService.RoleStatus> roles = depot.tuf().service().status();
            if (roles.isEmpty()) {
                System.out.println("no TUF repository (depot tuf init)");
                return 0;
            }
            for (TufService.RoleStatus s : roles) {
                System.out.printf("%-24s v%-6d expires %s  %d of %s  %d bytes%n", s.role(), s.version(), s.expires(),
                        s.threshold(), String.join(",", s.keyids().stream().map(id -> id.substring(0, 12)).toList()), s.bytes());
            }
            depot.tuf().service().nearExpiry().forEach(s -> System.out.println("warning: " + s.role() + " expires " + s.expires()));
            return 0;
        }
    }

    static List<TufKey> readPublicKeys(List<Path> files) throws IOException {
        List<TufKey> keys = new ArrayList<>();
        for (Path f : files) {
            JsonNode n = JSON.readTree(Files.readString(f));
            keys.add(TufKey.parse(n));
        }
        return keys;
    }

    static void writePrivate(Path file, String text) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text + "\n");
    }
}
