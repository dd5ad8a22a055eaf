package dev.depot.inspect;

/** A file that cannot be inspected: not what it claims to be, damaged, or over a safety limit. */
public class InspectionException extends Exception {
    public InspectionException(String message) {
        super(message);
    }

    public InspectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
