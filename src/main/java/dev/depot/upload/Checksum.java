package dev.depot.upload;

import dev.depot.core.DepotException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** A digest a client declared: an algorithm ({@code sha256}, {@code sha1}, {@code md5}) and the expected bytes. */
public record Checksum(String algorithm, byte[] expected) {

    public static Checksum hex(String algorithm, String hex) {
        try {
            return new Checksum(normalize(algorithm), HexFormat.of().parseHex(hex.trim().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new DepotException.Invalid("invalid_checksum", "The " + algorithm + " checksum is not hexadecimal.");
        }
    }

    public static Checksum base64(String algorithm, String b64) {
        try {
            return new Checksum(normalize(algorithm), Base64.getDecoder().decode(b64.trim()));
        } catch (IllegalArgumentException e) {
            throw new DepotException.Invalid("invalid_checksum", "The " + algorithm + " checksum is not base64.");
        }
    }

    private static String normalize(String algorithm) {
        String a = algorithm.trim().toLowerCase(Locale.ROOT);
        if (!a.equals("sha256") && !a.equals("sha1") && !a.equals("md5")) {
            throw new DepotException.Invalid("unsupported_checksum", "Unsupported checksum algorithm " + algorithm + ".");
        }
        return a;
    }

    MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha1" -> "SHA-1";
                default -> "MD5";
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean matches(byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
