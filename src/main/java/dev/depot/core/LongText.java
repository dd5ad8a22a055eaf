package dev.depot.core;

/** Free text people write for others to read (device notes, changelogs): trimmed, and bounded. */
public final class LongText {
    /** The longest note or changelog accepted. */
    public static final int MAX = 20_000;

    private LongText() {}

    /**
     * The text as stored: null becomes empty, surrounding whitespace goes.
     *
     * @param what what the text is, for the message ("A changelog")
     */
    public static String check(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (t.length() > MAX) {
            throw new DepotException.Invalid("too_long", what + " is at most " + MAX + " characters.");
        }
        return t;
    }
}
