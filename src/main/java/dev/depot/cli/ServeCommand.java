package dev.depot.cli;

import dev.depot.config.Setting;
import dev.depot.server.DepotServer;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
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
