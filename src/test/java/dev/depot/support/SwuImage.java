package dev.depot.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * SWUpdate images (.swu) as SWUpdate reads them: a cpio archive in the "crc" format whose first
 * member is {@code sw-description} (libconfig), then its CMS signature, then the payload files.
 * Signed with a throwaway key and self-signed certificate made by openssl, whose certificate
 * SWUpdate is given with {@code -k}. The image installs one file with SWUpdate's rawfile handler.
 */
public final class SwuImage {
    private final Path dir;

    private SwuImage(Path dir) {
        this.dir = dir;
    }

    /** A signing key and certificate in {@code dir} (needs openssl). */
    public static SwuImage signer(Path dir) {
        SwuImage s = new SwuImage(dir);
        s.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-sha256", "-days", "30",
                "-subj", "/CN=depot-test", "-addext", "extendedKeyUsage=emailProtection",
                "-addext", "keyUsage=digitalSignature", "-out", "cert.pem");
        return s;
    }

    /** The certificate SWUpdate verifies images with. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /**
     * An image of {@code version} that installs {@code payload} at {@code target}; with
     * {@code corrupt}, the description names a hash the payload does not have, so SWUpdate refuses it.
     */
    public byte[] image(String version, byte[] payload, Path target, boolean corrupt) {
        try {
            String sha = OtaFixture.sha256(corrupt ? "not the payload".getBytes(StandardCharsets.UTF_8) : payload);
            String description = """
                    software =
                    {
                    	version = "%s";
                    	description = "Depot test update";
                    	hardware-compatibility: [ "1.0" ];
                    	files: (
                    		{
                    			filename = "payload.txt";
                    			path = "%s";
                    			sha256 = "%s";
                    		}
                    	);
                    }
                    """.formatted(version, target, sha);
            Files.writeString(dir.resolve("sw-description"), description);
            run("openssl", "cms", "-sign", "-in", "sw-description", "-out", "sw-description.sig", "-signer", "cert.pem",
                    "-inkey", "key.pem", "-outform", "DER", "-nosmimecap", "-binary");
            Map<String, byte[]> members = new LinkedHashMap<>();
            members.put("sw-description", description.getBytes(StandardCharsets.UTF_8));
            members.put("sw-description.sig", Files.readAllBytes(dir.resolve("sw-description.sig")));
            members.put("payload.txt", payload);
            return cpio(members);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cpio archive in the "crc" (070702) format, padded to 512 bytes as cpio writes it. */
    static byte[] cpio(Map<String, byte[]> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ino = 1;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            member(out, m.getKey(), m.getValue(), ino++, 0100644);
        }
        member(out, "TRAILER!!!", new byte[0], 0, 0);
        while (out.size() % 512 != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static void member(ByteArrayOutputStream out, String name, byte[] data, int ino, int mode) {
        long check = 0;
        for (byte b : data) {
            check += b & 0xff;
        }
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        StringBuilder header = new StringBuilder("070702");
        for (long v : new long[] {ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, check & 0xffffffffL}) {
            header.append(String.format("%08X", v));
        }
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private void run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
