package dev.depot.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A container's health check: asks this machine's Depot for {@code /healthz} and exits 0 when it
 * answers 200 within two seconds, 1 otherwise. It is a main of its own, run with
 * {@code java -cp depot.jar dev.depot.server.HealthProbe}, so that a check loads a handful of JDK
 * classes and none of the server's (an image has no curl to do it). The port is
 * {@code DEPOT_PORT} (8080 when unset), or the first argument.
 */
public final class HealthProbe {
    private HealthProbe() {}

    public static void main(String[] args) {
        String port = args.length > 0 ? args[0] : System.getenv().getOrDefault("DEPOT_PORT", "8080");
        int status = 0;
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + Integer.parseInt(port.trim()) + "/healthz")
                    .toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(2_000);
            status = c.getResponseCode();
            try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    body.transferTo(System.out);
                }
            }
            System.out.println();
        } catch (IOException | NumberFormatException e) {
            System.out.println("healthz: " + e);
        }
        System.exit(status == 200 ? 0 : 1);
    }
}
