package dev.depot.core;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;

/** Whether a failure means the disk (or the database's disk) is full, rather than a bug or an outage. */
public final class StorageFull {
    private StorageFull() {}

    public static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs && fs.getReason() != null && fs.getReason().contains("No space left")) {
                return true;
            }
            String m = t.getMessage();
            if (t instanceof IOException && m != null && m.contains("No space left on device")) {
                return true;
            }
            if (t instanceof SQLException sql && ("53100".equals(sql.getSQLState()) || sql.getErrorCode() == 13
                    || (m != null && m.contains("SQLITE_FULL")))) {
                return true; // PostgreSQL's disk_full, SQLite's SQLITE_FULL
            }
        }
        return false;
    }

    /** The error a request gets when there is no room for what it sent. */
    public static DepotException.InsufficientStorage error() {
        return new DepotException.InsufficientStorage(
                "There is no room left to store this; nothing of it was kept. Send it again later.");
    }
}
