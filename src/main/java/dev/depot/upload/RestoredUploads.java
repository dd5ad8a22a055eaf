package dev.depot.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The uploads of a restored backup: an upload that finished while the backup ran is in the copied
 * database as unfinished, but its staged bytes were already gone; such a session could never
 * complete, so it goes.
 */
public final class RestoredUploads {
    private RestoredUploads() {}

    /** Removes the unfinished sessions whose staged file holds fewer bytes than their offset; returns how many. */
    public static int dropUnresumable(Jdbi jdbi, Path staging) {
        UploadRepository repository = new UploadRepository(jdbi);
        StagingFolder folder = new StagingFolder(staging);
        int dropped = 0;
        for (Map.Entry<String, Long> s : repository.unfinishedOffsets().entrySet()) {
            Path part = folder.file(s.getKey());
            long size;
            try {
                size = Files.isRegularFile(part) ? Files.size(part) : -1;
            } catch (IOException e) {
                size = -1;
            }
            if (size < s.getValue()) {
                repository.delete(s.getKey());
                dropped++;
            }
        }
        return dropped;
    }
}
