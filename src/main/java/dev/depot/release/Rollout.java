package dev.depot.release;

import dev.depot.core.DepotException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Which devices a staged release reaches. A device's bucket for a release is fixed by
 * {@code SHA-256(release, device key)}, 0 to 9,999; a release at {@code p} basis points reaches the
 * buckets below {@code p}. So raising the percentage only ever adds devices, a device asking twice
 * gets the same answer, and each release picks its own devices (the first 10 % of one release are
 * not the first 10 % of the next).
 */
public final class Rollout {
    /** Basis points in 100 %. */
    public static final int ALL = 10_000;

    private Rollout() {}

    /** The device's bucket for a release, 0 (inclusive) to {@link #ALL} (exclusive). */
    public static int bucket(String deviceKey, long releaseId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(("depot-rollout\0" + releaseId + "\0").getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha.digest(deviceKey.getBytes(StandardCharsets.UTF_8));
        return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), ALL);
    }

    /** Basis points from a percentage as people write it ("12.5"): 0 to 100, at most two decimals. */
    public static int basisPoints(String percentage) {
        BigDecimal p;
        try {
            p = new BigDecimal(percentage.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new DepotException.Invalid("invalid_percentage", "The percentage must be a number from 0 to 100.");
        }
        if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0 || p.stripTrailingZeros().scale() > 2) {
            throw new DepotException.Invalid("invalid_percentage",
                    "The percentage must be from 0 to 100, with at most two decimals.");
        }
        return p.movePointRight(2).intValueExact();
    }

    /** Basis points as people write a percentage: 1,250 is "12.5", 500 is "5". */
    public static String percentText(int basisPoints) {
        return basisPoints % 100 == 0 ? Integer.toString(basisPoints / 100)
                : String.format(Locale.ROOT, "%.2f", basisPoints / 100.0).replaceAll("0+$", "");
    }
}
