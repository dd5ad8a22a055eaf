package dev.depot.jobs;

/** A failure that another attempt cannot fix (a damaged file, say). */
public class PermanentJobFailure extends Exception {
    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
