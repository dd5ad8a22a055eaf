package dev.depot.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {
    @Test
    void aForwardedAddressCountsOnlyFromANamedProxyAndSpellingsOfOneAddressMatch() {
        ClientAddress c = new ClientAddress("::1, 10.0.0.5");
        assertThat(c.of("0:0:0:0:0:0:0:1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(c.of("[::1]", "198.51.100.1, 10.0.0.5")).as("trusted hops skipped").isEqualTo("198.51.100.1");
        assertThat(c.of("192.0.2.7", "203.0.113.9")).as("not a proxy: the header is the client's to forge").isEqualTo("192.0.2.7");
        assertThat(c.of("10.0.0.5", null)).isEqualTo("10.0.0.5");
        assertThat(c.of("10.0.0.5", " , 10.0.0.5")).as("nothing but proxies: the connection").isEqualTo("10.0.0.5");
        assertThat(ClientAddress.normalize("2001:DB8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(ClientAddress.normalize("proxy.internal")).as("never looked up").isEqualTo("proxy.internal");
    }
}
