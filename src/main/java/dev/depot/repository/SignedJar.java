package dev.depot.repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A jar holding one file, signed as F-Droid's client requires (JAR signing: SHA-256 digests, one
 * RSA signer, one certificate), whose bytes depend on nothing but the file, the key and the time
 * given: every entry carries that time, and the PKCS #7 signature block signs the signature file
 * directly, without the signing-time attribute the JDK's JarSigner adds. So every node serving
 * the same repository state serves the same jar under the same ETag.
 */
final class SignedJar {
    private static final String SIGNER = "DEPOT";
    private static final byte[] OID_SIGNED_DATA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x02};
    private static final byte[] OID_DATA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x07, 0x01};
    private static final byte[] OID_SHA256 = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    private static final byte[] OID_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};

    private SignedJar() {}

    static byte[] of(String name, byte[] content, PrivateKey key, X509Certificate certificate, long timeMillis) {
        String section = header("Name", name) + header("SHA-256-Digest", base64(sha256(content))) + "\r\n";
        String main = "Manifest-Version: 1.0\r\nCreated-By: Depot\r\n\r\n";
        String manifest = main + section;
        String signatureFile = "Signature-Version: 1.0\r\n" + header("SHA-256-Digest-Manifest", base64(sha256(bytes(manifest))))
                + "Created-By: Depot\r\n" + header("SHA-256-Digest-Manifest-Main-Attributes", base64(sha256(bytes(main))))
                + "\r\n" + header("Name", name) + header("SHA-256-Digest", base64(sha256(bytes(section)))) + "\r\n";
        byte[] sf = bytes(signatureFile);
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(timeMillis, 1000), 0, ZoneOffset.UTC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "META-INF/MANIFEST.MF", bytes(manifest), time);
            put(zip, "META-INF/" + SIGNER + ".SF", sf, time);
            put(zip, "META-INF/" + SIGNER + ".RSA", signatureBlock(sf, key, certificate), time);
            put(zip, name, content, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content, LocalDateTime time) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(time); // a DOS time with no time zone in it: the same bytes on every node
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    /** A manifest header line, folded at 72 bytes as the JAR format requires (continuations start with a space). */
    static String header(String name, String value) {
        byte[] line = bytes(name + ": " + value);
        StringBuilder out = new StringBuilder();
        int start = 0;
        int limit = 72;
        while (line.length - start > limit) {
            out.append(new String(line, start, limit, StandardCharsets.UTF_8)).append("\r\n ");
            start += limit;
            limit = 71;
        }
        return out.append(new String(line, start, line.length - start, StandardCharsets.UTF_8)).append("\r\n").toString();
    }

    /**
     * PKCS #7 SignedData, detached, over the signature file: SHA-256 with RSA, no signed attributes,
     * the signer named by its certificate's issuer and serial number.
     */
    private static byte[] signatureBlock(byte[] sf, PrivateKey key, X509Certificate certificate) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(sf);
            byte[] signature = s.sign();
            byte[] sha256 = algorithm(OID_SHA256);
            byte[] signerInfo = der(0x30, der(0x02, BigInteger.ONE.toByteArray()),
                    der(0x30, certificate.getIssuerX500Principal().getEncoded(),
                            der(0x02, certificate.getSerialNumber().toByteArray())),
                    sha256, algorithm(OID_RSA), der(0x04, signature));
            byte[] signedData = der(0x30, der(0x02, BigInteger.ONE.toByteArray()), der(0x31, sha256), der(0x30, der(0x06, OID_DATA)),
                    der(0xa0, certificate.getEncoded()), der(0x31, signerInfo));
            return der(0x30, der(0x06, OID_SIGNED_DATA), der(0xa0, signedData));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an F-Droid index", e);
        }
    }

    private static byte[] algorithm(byte[] oid) {
        return der(0x30, der(0x06, oid), new byte[] {0x05, 0x00});
    }

    /** One DER element: its tag, its length, and the concatenated {@code parts}. */
    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            byte[] len = BigInteger.valueOf(n).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
