package dev.depot.cli;

import dev.depot.config.Setting;
import dev.depot.server.DepotServer;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--host", description = "Bind address (default 127.0.0.1; also DEPOT_HOST).")
    String host;

    @Option(names = "--port", description = "Port (default 8080; also DEPOT_PORT).")
    Integer port;

    @Option(names = "--public-url", description = "Base URL clients use (also DEPOT_PUBLIC_URL).")
    String publicUrl;

    /**
     * {@code serve} with its options given as {@code --name value} or {@code --name=value}, each at
     * most once, read by the {@code @Option} annotations of this command and its mixin but without
     * picocli's model: picocli's classes (compiled for Java 5) cannot be kept in the class cache,
     * and building its model was about 0.4 s of a server's start. Anything else (help, version, an
     * unknown or repeated option, a value missing or not of its type) is empty, for picocli to
     * parse and answer as it always has.
     */
    static Optional<ServeCommand> parsedDirectly(List<String> args) {
        ServeCommand command = new ServeCommand();
        command.common = new CommonOptions();
        Map<String, Map.Entry<Object, Field>> options = new HashMap<>();
        for (Object target : List.of(command, command.common)) {
            for (Field field : target.getClass().getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option != null) {
                    for (String name : option.names()) {
                        options.put(name, Map.entry(target, field));
                    }
                }
            }
        }
        Set<Field> given = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            Map.Entry<Object, Field> option = options.get(name);
            String value = equals >= 0 ? arg.substring(equals + 1) : i + 1 < args.size() ? args.get(++i) : null;
            if (option == null || value == null || value.startsWith("-") || !given.add(option.getValue())) {
                return Optional.empty();
            }
            Field field = option.getValue();
            try {
                if (field.getType() == String.class) {
                    field.set(option.getKey(), value);
                } else if (field.getType() == Integer.class) {
                    field.set(option.getKey(), Integer.valueOf(value));
                } else if (field.getType() == Path.class) {
                    field.set(option.getKey(), Path.of(value));
                } else {
                    return Optional.empty();
                }
            } catch (IllegalArgumentException | IllegalAccessException e) { // not a number, not a path
                return Optional.empty();
            }
        }
        return Optional.of(command);
    }

    @Override
    public Integer call() throws Exception {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.HOST, host);
        flags.put(Setting.PORT, port == null ? null : port.toString());
        flags.put(Setting.PUBLIC_URL, publicUrl);
        DepotServer server = DepotServer.start(common.settings(flags), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "depot-shutdown"));
        stopped.await();
        return 0;
    }
}
