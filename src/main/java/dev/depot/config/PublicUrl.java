package dev.depot.config;

import java.util.function.Supplier;

/**
 * The address clients reach Depot at, without a trailing slash: {@code public.url} when set, else
 * this host and the port the server bound (known once it has; {@code port} until then).
 */
public final class PublicUrl implements Supplier<String> {
    private final Settings settings;
    private volatile int port;

    public PublicUrl(Settings settings) {
        this.settings = settings;
        this.port = settings.port();
    }

    /** The server bound this port (the configured one may be 0: any free port). */
    public void boundTo(int port) {
        this.port = port;
    }

    @Override
    public String get() {
        return settings.publicUrl(port);
    }
}
