package dev.depot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Named, short-lived objects that every node can reach: the chunks of uploads in progress when
 * Depot runs on several nodes. Unlike blobs they are named by the caller and deleted when done.
 */
public interface ScratchStore {
    /** Stores {@code file}'s bytes under {@code name}, all at once: readers see all of them or none. */
    void put(String name, Path file) throws IOException;

    InputStream get(String name) throws IOException;

    /** Deletes {@code name}; a missing object is not an error. */
    void delete(String name) throws IOException;
}
