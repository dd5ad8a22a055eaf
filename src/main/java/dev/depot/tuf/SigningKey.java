package dev.depot.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/** A private key and its public half; signs with the JDK's own Ed25519 or ECDSA P-256. */
public record SigningKey(TufKey publicKey, PrivateKey privateKey) {

    public static SigningKey generate(TufKey.Algorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.jcaKey);
            if (algorithm == TufKey.Algorithm.ECDSA_P256) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            KeyPair pair = g.generateKeyPair();
            return new SigningKey(TufKey.of(pair.getPublic(), algorithm), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String keyid() {
        return publicKey.keyid();
    }

    /** The signature of {@code data}, in hex as TUF writes it (ECDSA's in DER). */
    public String sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(publicKey.algorithm().jcaSignature);
            s.initSign(privateKey);
            s.update(data);
            return HexFormat.of().formatHex(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] pkcs8() {
        return privateKey.getEncoded();
    }

    public static SigningKey of(TufKey publicKey, byte[] pkcs8) {
        try {
            PrivateKey key = KeyFactory.getInstance(publicKey.algorithm().jcaKey).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            SigningKey k = new SigningKey(publicKey, key);
            byte[] probe = "depot key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!publicKey.verifies(probe, k.sign(probe))) {
                throw new IllegalArgumentException("the private key does not match its public key");
            }
            return k;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a " + publicKey.algorithm().keytype + " private key: " + e.getMessage());
        }
    }

    /** A key file: the public key object, its id and the PKCS#8 private key in base64. */
    public ObjectNode keyFile() {
        ObjectNode o = publicKey.json();
        o.put("keyid", keyid());
        o.put("private", Base64.getEncoder().encodeToString(pkcs8()));
        return o;
    }

    public static SigningKey fromKeyFile(JsonNode o) {
        if (!o.hasNonNull("private")) {
            throw new IllegalArgumentException("this key file holds no private key");
        }
        return of(TufKey.parse(o), Base64.getDecoder().decode(o.get("private").asText()));
    }
}
