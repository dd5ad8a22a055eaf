package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Copies a stream into a new local file while hashing it: how both stores learn a blob's key. */
final class Spool {
    private Spool() {}

    /** Writes {@code in} to {@code temp} (which must not exist), fsynced when {@code durable}; returns key and size. */
    static StoredBlob toFile(InputStream in, Path temp, boolean durable) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(ch);
             DigestInputStream din = new DigestInputStream(in, sha256)) {
            size = din.transferTo(out);
            if (durable) {
                ch.force(true);
            }
        }
        return new StoredBlob(new BlobKey(HexFormat.of().formatHex(sha256.digest())), size);
    }
}
