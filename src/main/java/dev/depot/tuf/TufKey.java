package dev.depot.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A public key as TUF metadata names it: {@code ed25519} (the public key in hex, the default) or
 * {@code ecdsa} with scheme {@code ecdsa-sha2-nistp256} (a PEM SubjectPublicKeyInfo). The key id
 * is the SHA-256 of the key object's canonical JSON.
 */
public record TufKey(String keyid, Algorithm algorithm, String publicValue, PublicKey key) {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] ED25519_SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");

    public enum Algorithm {
        ED25519("ed25519", "ed25519", "Ed25519", "Ed25519"),
        ECDSA_P256("ecdsa", "ecdsa-sha2-nistp256", "EC", "SHA256withECDSA");

        final String keytype;
        final String scheme;
        final String jcaKey;
        final String jcaSignature;

        Algorithm(String keytype, String scheme, String jcaKey, String jcaSignature) {
            this.keytype = keytype;
            this.scheme = scheme;
            this.jcaKey = jcaKey;
            this.jcaSignature = jcaSignature;
        }

        public String scheme() { return scheme; }

        /** {@code ed25519} or {@code ecdsa} (also {@code ecdsa-p256}, {@code ecdsa-sha2-nistp256}). */
        public static Algorithm parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "ed25519" -> ED25519;
                case "ecdsa", "ecdsa-p256", "p256", "ecdsa-sha2-nistp256" -> ECDSA_P256;
                default -> throw new IllegalArgumentException("unknown key type " + name + " (ed25519 or ecdsa)");
            };
        }
    }

    static TufKey of(PublicKey key, Algorithm algorithm) {
        String value = switch (algorithm) {
            case ED25519 -> {
                byte[] spki = key.getEncoded();
                yield HEX.formatHex(spki, spki.length - 32, spki.length);
            }
            case ECDSA_P256 -> "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
        };
        return new TufKey(keyIdOf(algorithm, value), algorithm, value, key);
    }

    /** The key object of TUF metadata ({@code keytype}, {@code scheme}, {@code keyval.public}). */
    public ObjectNode json() {
        return json(algorithm, publicValue);
    }

    private static ObjectNode json(Algorithm algorithm, String publicValue) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("keytype", algorithm.keytype);
        o.put("scheme", algorithm.scheme);
        o.putObject("keyval").put("public", publicValue);
        return o;
    }

    private static String keyIdOf(Algorithm algorithm, String publicValue) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.bytes(json(algorithm, publicValue))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key object read from metadata or a key file; its id is computed, never taken on trust. */
    public static TufKey parse(JsonNode o) {
        String keytype = o.path("keytype").asText();
        String scheme = o.path("scheme").asText();
        String value = o.path("keyval").path("public").asText("");
        Algorithm algorithm;
        if (keytype.equals("ed25519") && scheme.equals("ed25519")) {
            algorithm = Algorithm.ED25519;
        } else if ((keytype.equals("ecdsa") || keytype.equals("ecdsa-sha2-nistp256")) && scheme.equals("ecdsa-sha2-nistp256")) {
            algorithm = Algorithm.ECDSA_P256;
        } else {
            throw new IllegalArgumentException("unsupported key " + keytype + "/" + scheme);
        }
        try {
            byte[] spki = switch (algorithm) {
                case ED25519 -> {
                    byte[] raw = HEX.parseHex(value);
                    if (raw.length != 32) {
                        throw new IllegalArgumentException("an ed25519 public key is 32 bytes");
                    }
                    byte[] out = new byte[ED25519_SPKI_PREFIX.length + 32];
                    System.arraycopy(ED25519_SPKI_PREFIX, 0, out, 0, ED25519_SPKI_PREFIX.length);
                    System.arraycopy(raw, 0, out, ED25519_SPKI_PREFIX.length, 32);
                    yield out;
                }
                case ECDSA_P256 -> Base64.getMimeDecoder().decode(value.replaceAll("-----[A-Z ]+-----", ""));
            };
            PublicKey key = KeyFactory.getInstance(algorithm.jcaKey).generatePublic(new X509EncodedKeySpec(spki));
            return new TufKey(keyIdOf(algorithm, value), algorithm, value, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a " + algorithm.keytype + " public key: " + e.getMessage());
        }
    }

    /** True when {@code signatureHex} is this key's signature of {@code data}. */
    public boolean verifies(byte[] data, String signatureHex) {
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature);
            s.initVerify(key);
            s.update(data);
            return s.verify(HEX.parseHex(signatureHex));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
