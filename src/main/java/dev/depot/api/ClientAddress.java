package dev.depot.api;

import io.javalin.http.Context;
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
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public String of(Context ctx) {
        String remote = ctx.req().getRemoteAddr();
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null || !trustedProxies.contains(remote)) {
            return remote;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return remote;
    }
}
