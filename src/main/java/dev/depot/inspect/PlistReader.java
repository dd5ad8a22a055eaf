package dev.depot.inspect;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Property lists (binary or XML) through dd-plist, with every failure as a clear {@link InspectionException}. */
final class PlistReader {
    private PlistReader() {}

    static NSDictionary dictionary(byte[] bytes, String what) throws InspectionException {
        checkBinaryTrailer(bytes, what);
        NSObject root;
        try {
            root = PropertyListParser.parse(bytes);
        } catch (Exception | StackOverflowError e) {
            throw new InspectionException(what + " is not a readable property list: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (!(root instanceof NSDictionary d)) {
            throw new InspectionException(what + " is not a dictionary");
        }
        return d;
    }

    /**
     * A binary plist's trailer declares how many objects it holds; the parser allocates from that
     * number, so it must fit in the file before the parser sees it.
     */
    private static void checkBinaryTrailer(byte[] b, String what) throws InspectionException {
        if (b.length < 8 || !new String(b, 0, 6, StandardCharsets.ISO_8859_1).equals("bplist")) {
            return;
        }
        if (b.length < 8 + 32) {
            throw new InspectionException(what + " is a truncated binary property list");
        }
        ByteBuffer t = ByteBuffer.wrap(b, b.length - 32, 32);
        t.position(b.length - 32 + 6);
        int offsetSize = t.get() & 0xff;
        int refSize = t.get() & 0xff;
        long objects = t.getLong();
        long top = t.getLong();
        long tableOffset = t.getLong();
        if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || objects < 1 || objects > b.length
                || top < 0 || top >= objects || tableOffset < 8 || tableOffset + objects * offsetSize > b.length - 32) {
            throw new InspectionException(what + " is a damaged binary property list");
        }
    }

    /** A string value, null when absent; a value of another type is an error. */
    static String string(NSDictionary d, String key, String what) throws InspectionException {
        NSObject o = d.objectForKey(key);
        if (o == null) {
            return null;
        }
        if (o instanceof NSString s) {
            return s.getContent();
        }
        throw new InspectionException(what + ": " + key + " should be a string, not " + o.getClass().getSimpleName().replace("NS", "").toLowerCase());
    }
}
