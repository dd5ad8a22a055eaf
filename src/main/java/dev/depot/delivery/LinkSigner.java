package dev.depot.delivery;

import dev.depot.core.DepotException;
import dev.depot.db.ServerSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks short-lived capabilities (download tokens, file links) with HMAC-SHA256. The
 * key comes from configuration, or is generated once and kept in the database so that every node
 * accepts what any node signed. Nothing is stored per token.
 */
public final class LinkSigner {
    private static final String KEY_SETTING = "delivery.signing_key";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final byte[] key;
    private final Clock clock;

    private LinkSigner(byte[] key, Clock clock) {
        this.key = key;
        this.clock = clock;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static LinkSigner create(String configuredKey, ServerSettings settings, Clock clock) {
        String secret = configuredKey == null ? "" : configuredKey.trim();
        if (secret.isEmpty()) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            secret = settings.putIfAbsent(KEY_SETTING, B64.encodeToString(fresh));
        } else if (secret.length() < 32) {
            throw new IllegalArgumentException("signing.key must have at least 32 characters");
        }
        return new LinkSigner(secret.getBytes(StandardCharsets.UTF_8), clock);
    }

    /** {@code payload} plus an expiry, signed: {@code <payload>.<expiry>.<signature>} in URL-safe characters. */
    public String sign(String payload, Instant expires) {
        String body = payload + "." + expires.getEpochSecond();
        return body + "." + mac(body);
    }

    /**
     * The payload of a signed value. A value that was not signed by this server is NotFound
     * (3001); one that was, but has expired, is Gone with reason {@code token_expired} (4005).
     */
    public String verify(String signed) {
        int last = signed == null ? -1 : signed.lastIndexOf('.');
        int mid = last <= 0 ? -1 : signed.lastIndexOf('.', last - 1);
        if (mid <= 0) {
            throw notFound();
        }
        String body = signed.substring(0, last);
        if (!MessageDigest.isEqual(mac(body).getBytes(StandardCharsets.US_ASCII),
                signed.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw notFound();
        }
        long expires;
        try {
            expires = Long.parseLong(signed.substring(mid + 1, last));
        } catch (NumberFormatException e) {
            throw notFound();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            throw new DepotException.Gone("token_expired", "Token Expired");
        }
        return signed.substring(0, mid);
    }

    /** When a value {@link #verify} accepted stops being valid. */
    public Instant expiresOf(String signed) {
        int last = signed.lastIndexOf('.');
        int mid = signed.lastIndexOf('.', last - 1);
        return Instant.ofEpochSecond(Long.parseLong(signed.substring(mid + 1, last)));
    }

    /** One initialized MAC per thread: looking one up and keying it costs more than signing a link. */
    private final ThreadLocal<Mac> macs;

    private String mac(String body) {
        byte[] full = macs.get().doFinal(body.getBytes(StandardCharsets.UTF_8));
        return B64.encodeToString(Arrays.copyOf(full, 20));
    }

    private static DepotException.NotFound notFound() {
        return new DepotException.NotFound("entity_not_found", "Entity not found");
    }
}
