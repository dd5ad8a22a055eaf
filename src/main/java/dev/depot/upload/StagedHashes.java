package dev.depot.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, MD5 and (for an APK) SHA-1 of an upload staged in one file, computed behind the
 * writer: a chunk is acknowledged once its bytes are written and recorded, and one lane per
 * algorithm (each on its own virtual thread) read the accepted bytes back from the page cache and hash them while the
 * client sends the next chunk. Completing the upload waits only for what the lanes have not yet
 * caught up with.
 *
 * <p>Only accepted bytes are hashed: the writer announces an offset after the chunk is recorded,
 * and bytes below a recorded offset never change (a refused chunk is cut back to its start, which
 * is above everything announced).
 */
final class StagedHashes {
    private static final int BUFFER = 512 * 1024;

    private final Lane sha256;
    private final Lane md5;
    private final Lane sha1;

    StagedHashes(Path file, boolean withSha1) {
        this.sha256 = new Lane(file, "SHA-256");
        this.md5 = new Lane(file, "MD5");
        this.sha1 = withSha1 ? new Lane(file, "SHA-1") : null;
    }

    /** The staged bytes up to {@code offset} are accepted; the lanes hash up to there. */
    void advanceTo(long offset) {
        sha256.advanceTo(offset);
        md5.advanceTo(offset);
        if (sha1 != null) {
            sha1.advanceTo(offset);
        }
    }

    /** The digests of the first {@code offset} bytes, once every lane is there. */
    Staging.Digests await(long offset) throws IOException, InterruptedException {
        return new Staging.Digests(sha256.await(offset), md5.await(offset), sha1 == null ? null : sha1.await(offset));
    }

    private static final class Lane {
        private final Path file;
        private final MessageDigest digest;
        private long done;
        private long target;
        private boolean running;
        private IOException failure;

        Lane(Path file, String algorithm) {
            this.file = file;
            try {
                this.digest = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized void advanceTo(long offset) {
            target = Math.max(target, offset);
            if (!running && done < target && failure == null) {
                running = true;
                Thread.ofVirtual().name("upload-hash").start(this::run);
            }
        }

        synchronized String await(long offset) throws IOException, InterruptedException {
            advanceTo(offset);
            // idle, not merely past the offset: the digest is read only while no lane thread updates it
            while ((done < offset || running) && failure == null) {
                wait();
            }
            if (failure != null) {
                throw failure;
            }
            if (done != offset) {
                throw new IOException("the hash ran past offset " + offset + " to " + done);
            }
            try {
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }

        private void run() {
            byte[] buf = new byte[BUFFER];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                while (true) {
                    long from;
                    int want;
                    synchronized (this) {
                        if (done >= target) {
                            running = false;
                            notifyAll();
                            return;
                        }
                        from = done;
                        want = (int) Math.min(buf.length, target - done);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
                    while (bb.hasRemaining()) {
                        if (ch.read(bb, from + bb.position()) < 0) {
                            throw new IOException("the staged file " + file + " ends before " + (from + want));
                        }
                    }
                    digest.update(buf, 0, want);
                    synchronized (this) {
                        done = from + want;
                        notifyAll();
                    }
                }
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                    running = false;
                    notifyAll();
                }
            }
        }
    }
}
