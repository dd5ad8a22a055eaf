package dev.depot.api;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The address of the client behind a request. Behind a reverse proxy every connection comes from
 * the proxy, so the client is read from {@code X-Forwarded-For}, but only when the connection comes
 * from a proxy the operator named ({@code http.trusted-proxies}): the header is a client's to
 * forge otherwise. Of the forwarded addresses the right-most one that is not a trusted proxy is
 * the client (the ones to its left are whatever the client claimed).
 */
public final class ClientAddress {
    private final Set<String> trustedProxies;

    public ClientAddress(String trustedProxies) {
        this.trustedProxies = Arrays.stream(trustedProxies.split(","))
                .map(ClientAddress::normalize).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public String of(Context ctx) {
        return of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /** The client of a connection from {@code remoteAddress} that sent {@code forwardedFor} (may be null). */
    public String of(String remoteAddress, String forwardedFor) {
        String remote = normalize(remoteAddress);
        if (forwardedFor == null || !trustedProxies.contains(remote)) {
            return remote;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = normalize(hops[i]);
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return remote;
    }

    /**
     * One spelling per address, so {@code ::1}, {@code [::1]} and {@code 0:0:0:0:0:0:0:1} match.
     * Only literal addresses are parsed (never a name lookup); anything else is kept as written.
     */
    static String normalize(String address) {
        String a = address == null ? "" : address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.isEmpty() || !a.matches("[0-9A-Fa-f:.]+") || !(a.contains(":") || a.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return a;
        }
        try {
            return InetAddress.getByName(a).getHostAddress();
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
