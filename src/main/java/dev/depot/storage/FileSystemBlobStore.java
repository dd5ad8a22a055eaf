package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Blobs as files under {@code root/ab/cd/<sha256>}. Every write goes to a temporary file in
 * {@code root/.tmp}, is fsynced, then renamed atomically into place, so a reader sees either no
 * file or the whole file.
 */
public final class FileSystemBlobStore implements BlobStore {
    private final Path root;
    private final Path tmp;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve(".tmp");
        Files.createDirectories(tmp);
    }

    Path pathOf(BlobKey key) {
        String h = key.sha256();
        return root.resolve(h.substring(0, 2)).resolve(h.substring(2, 4)).resolve(h);
    }

    @Override
    public StoredBlob write(InputStream in) throws IOException {
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            StoredBlob blob = Spool.toFile(in, temp, true);
            publish(temp, blob.key());
            return blob;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Moves the file into place in one atomic rename when it is on the same file system, so that
     * at every instant either the caller's file or the blob exists (a crash in between loses
     * neither); across file systems the file is copied, made durable and published first, and
     * deleted only then.
     */
    @Override
    public StoredBlob importFile(Path file, BlobKey key) throws IOException {
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Path target = pathOf(key);
        if (Files.exists(target)) {
            Files.delete(file); // the same bytes are stored already
            return new StoredBlob(key, size);
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return new StoredBlob(key, size);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(file); // a concurrent writer of the same bytes won; content is identical
            return new StoredBlob(key, size);
        } catch (AtomicMoveNotSupportedException e) {
            // Staging on another file system: copy, make the copy durable, publish it, then let go of the file.
        }
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            Files.copy(file, temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            publish(temp, key);
            Files.delete(file);
            return new StoredBlob(key, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void publish(Path temp, BlobKey key) throws IOException {
        Path target = pathOf(key);
        if (Files.exists(target)) {
            return; // same bytes already stored; the caller's finally removes the temp file
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            return; // a concurrent writer of the same bytes won; content is identical
        }
        syncDirectory(target.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every platform can fsync a directory; the file itself is already durable.
        }
    }

    @Override
    public Optional<Long> size(BlobKey key) throws IOException {
        Path p = pathOf(key);
        try {
            return Optional.of(Files.size(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream read(BlobKey key, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(pathOf(key), StandardOpenOption.READ);
        long size = ch.size();
        if (offset < 0 || length < 0 || offset + length > size) {
            ch.close();
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob of " + size + " bytes");
        }
        ch.position(offset);
        return new BoundedInputStream(Channels.newInputStream(ch), length);
    }

    @Override
    public Optional<Path> localFile(BlobKey key) {
        Path p = pathOf(key);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public void delete(BlobKey key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public void checkWritable() throws IOException {
        Path probe = tmp.resolve("probe-" + UUID.randomUUID());
        Files.writeString(probe, "ok");
        Files.delete(probe);
    }
}
