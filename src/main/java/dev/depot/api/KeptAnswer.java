package dev.depot.api;

/**
 * A GET answered from bytes rendered earlier, ahead of the routing of every other request: the
 * body, its gzipped copy when it is large enough to be worth one (else null), its content type,
 * and the route template it is counted under in the request metrics.
 */
public record KeptAnswer(String route, String contentType, byte[] body, byte[] gzipped) {
    /** Finds the kept answer of a request path (as sent, not decoded), or null when the routes must answer. */
    @FunctionalInterface
    public interface Source {
        KeptAnswer find(String path);
    }
}
