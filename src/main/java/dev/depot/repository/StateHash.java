package dev.depot.repository;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A repository's state hash: a function of its canonical listing (the set of its entries, as
 * {@code package|versionCode|sha256|signer} lines), kept incrementally. The SHA-256 digests of
 * the lines are summed modulo 2^256 (so adding or removing one entry costs one digest, whatever
 * the repository's size); the state hash is the SHA-256 of the repository's name and that sum.
 * Equal listings give equal hashes, however they were reached.
 */
final class StateHash {
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);
    static final String EMPTY_SUM = "0".repeat(64);

    private StateHash() {}

    static String line(String packageName, long versionCode, String sha256, String signer) {
        return packageName + "|" + versionCode + "|" + sha256 + "|" + signer;
    }

    static String add(String sum, String line) {
        return hex64(new BigInteger(sum, 16).add(digest(line)).mod(MOD));
    }

    static String remove(String sum, String line) {
        return hex64(new BigInteger(sum, 16).subtract(digest(line)).mod(MOD));
    }

    static String stateHash(String repositoryName, String sum) {
        return HexFormat.of().formatHex(sha256(("depot-repository-state\n" + repositoryName + "\n" + sum)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static BigInteger digest(String line) {
        return new BigInteger(1, sha256(line.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex64(BigInteger v) {
        String h = v.toString(16);
        return "0".repeat(64 - h.length()) + h;
    }
}
