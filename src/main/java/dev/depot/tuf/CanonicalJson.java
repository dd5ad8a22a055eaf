package dev.depot.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The canonical JSON that TUF signs (OLPC's dialect, as the specification names it, and as
 * python-tuf and tuf-js write it): keys sorted, no whitespace, integers only, and only {@code "}
 * and {@code \} escaped, a newline (in PEM keys) kept as it is. sigstore-java canonicalizes with
 * RFC 8785 forked to keep newlines too, which agrees with this byte for byte on everything Depot
 * writes: Depot's metadata holds no other control character ({@link #text} replaces them) and no
 * fraction, the two places where they differ. Keys sort by UTF-16 code unit, as JavaScript's
 * {@code sort} does.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    public static byte[] bytes(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, false);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The same form as valid JSON, for the files served and stored: a newline is written
     * {@code \n}, as JSON requires. Deterministic, so equal metadata has equal bytes.
     */
    public static String file(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, true);
        return out.toString();
    }

    /** The canonical form as text: what is signed (not always valid JSON: a newline stays raw). */
    public static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /** A value fit for metadata: control characters (which the two canonical forms escape differently) become spaces. */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? s : b.toString();
    }

    private static void write(JsonNode node, StringBuilder out, boolean file) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                names.sort(null);
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out, file);
                    out.append(':');
                    write(node.get(names.get(i)), out, file);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out, file);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out, file);
            case NUMBER -> {
                if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                    throw new IllegalArgumentException("canonical JSON holds integers only: " + node);
                }
                out.append(node.longValue());
            }
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON: " + node.getNodeType());
        }
    }

    private static void string(String s, StringBuilder out, boolean file) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("control character in canonical JSON text");
            }
            if (c == '\n' && file) {
                out.append("\\n");
                continue;
            }
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

}
