package dev.depot.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 proxy in front of a real server (S3Proxy) that injects the faults a network or a
 * broken store causes: {@link Mode#STALL} takes requests and never answers (a bucket that stopped
 * answering); {@link Mode#MISREPORT} answers PUTs as a store that kept other bytes would (another
 * ETag, no checksum). It forwards one request per connection, and records every request's head.
 */
public final class FaultyProxy implements AutoCloseable {
    public enum Mode { FORWARD, STALL, MISREPORT }

    private final ServerSocket socket;
    private final int upstreamPort;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.FORWARD;

    public FaultyProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("faulty-proxy").start(this::accept);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public void mode(Mode m) {
        mode = m;
        if (m != Mode.STALL) {
            for (Socket s : held) {
                closeQuietly(s);
            }
            held.clear();
        }
    }

    /** The request lines and headers seen so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                client.close();
                return;
            }
            requests.add(head);
            if (mode == Mode.STALL) {
                held.add(client); // read nothing more, answer nothing: the connection just hangs
                return;
            }
            long length = contentLength(head);
            try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort); client) {
                OutputStream upOut = up.getOutputStream();
                upOut.write(withHeader(head, "Connection", "close").getBytes(StandardCharsets.ISO_8859_1));
                copy(in, upOut, length);
                upOut.flush();
                InputStream upIn = up.getInputStream();
                String responseHead = readHead(upIn);
                if (responseHead == null) {
                    return;
                }
                if (mode == Mode.MISREPORT && head.startsWith("PUT ")) {
                    responseHead = misreport(responseHead);
                }
                OutputStream out = client.getOutputStream();
                out.write(withHeader(responseHead, "Connection", "close").getBytes(StandardCharsets.ISO_8859_1));
                upIn.transferTo(out);
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** The answer of a store that kept other bytes: their ETag, and no checksum of what was sent. */
    private static String misreport(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-checksum-")) {
                continue;
            }
            if (lower.startsWith("etag:")) {
                line = "ETag: \"00000000000000000000000000000000\"";
            }
            if (!line.isEmpty()) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("\r\n").toString();
    }

    private static String withHeader(String head, String name, String value) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
                lines.add(line);
            }
        }
        lines.add(name + ": " + value);
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }

    /** The request or response line and headers, up to the blank line; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        for (int b; (b = in.read()) != -1; ) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) { // CR LF CR LF
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[65536];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : held) {
            closeQuietly(s);
        }
    }
}
