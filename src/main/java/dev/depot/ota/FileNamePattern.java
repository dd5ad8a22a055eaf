package dev.depot.ota;

import dev.depot.core.DepotException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The admin's build file-name pattern. It is written and handed out in Python {@code re} syntax
 * (shippy runs it), and matched here after translating Python's named groups
 * {@code (?P<name>...)} and back-references {@code (?P=name)} to Java, whose group names may not
 * contain {@code _}. Matching uses search semantics, like Python's {@code re.search}.
 */
public final class FileNamePattern {
    public static final String DEFAULT =
            "[A-Za-z]+-(?P<version>[a-z0-9.]+)-(?P<codename>[A-Za-z0-9_]+)-OFFICIAL-(?P<variant>[a-z]+)-(?P<date>[0-9]{8}).zip";
    static final Set<String> REQUIRED_GROUPS = Set.of("version", "codename", "variant", "date");

    private final String python;
    private final Pattern compiled;
    private final Map<String, String> javaToPython;

    private FileNamePattern(String python, Pattern compiled, Map<String, String> javaToPython) {
        this.python = python;
        this.compiled = compiled;
        this.javaToPython = javaToPython;
    }

    public static FileNamePattern of(String python) {
        Map<String, String> pythonToJava = new LinkedHashMap<>();
        String java = translate(python, pythonToJava);
        Pattern compiled;
        try {
            compiled = Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw new DepotException.Invalid("invalid_pattern", "The pattern does not compile: " + e.getDescription());
        }
        for (String g : REQUIRED_GROUPS) {
            if (!pythonToJava.containsKey(g)) {
                throw new DepotException.Invalid("invalid_pattern",
                        "The pattern needs the named groups version, codename, variant and date; '" + g + "' is missing.");
            }
        }
        Map<String, String> javaToPython = new LinkedHashMap<>();
        pythonToJava.forEach((p, j) -> javaToPython.put(j, p));
        return new FileNamePattern(python, compiled, javaToPython);
    }

    public String python() { return python; }

    /** The named groups of the first match, by their Python names; empty when the name does not match. */
    public Optional<Map<String, String>> match(String fileName) {
        Matcher m = compiled.matcher(fileName);
        if (!m.find()) {
            return Optional.empty();
        }
        Map<String, String> groups = new LinkedHashMap<>();
        javaToPython.forEach((j, p) -> {
            String v = m.group(j);
            if (v != null) {
                groups.put(p, v);
            }
        });
        return Optional.of(groups);
    }

    /**
     * A file name this pattern takes for a build of {@code version} for {@code codename} and
     * {@code variant} made on {@code date}, to show maintainers instead of the regular expression:
     * the default pattern's shape filled in, kept only when this pattern reads those very values
     * back from it. Empty for a pattern of another shape.
     */
    public Optional<String> example(String rom, String version, String codename, String variant, LocalDate date) {
        String name = rom + "-" + version + "-" + codename + "-OFFICIAL-" + variant + "-" + date.format(DateTimeFormatter.BASIC_ISO_DATE) + ".zip";
        return match(name).filter(g -> version.equals(g.get("version")) && codename.equals(g.get("codename"))
                && variant.equals(g.get("variant"))).map(g -> name);
    }

    private static String translate(String python, Map<String, String> names) {
        StringBuilder out = new StringBuilder(python.length() + 16);
        boolean inClass = false;
        int i = 0;
        while (i < python.length()) {
            char c = python.charAt(i);
            if (c == '\\' && i + 1 < python.length()) {
                char next = python.charAt(i + 1);
                out.append(next == 'Z' && !inClass ? "\\z" : "\\" + next);
                i += 2;
                continue;
            }
            if (inClass) {
                inClass = c != ']';
                out.append(c);
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                // a ']' right after '[' or '[^' is a literal member of the class
                if (i + 1 < python.length() && python.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < python.length() && python.charAt(i + 1) == ']') {
                    out.append(']');
                    i++;
                }
                i++;
                continue;
            }
            if (python.startsWith("(?P<", i)) {
                int end = python.indexOf('>', i + 4);
                if (end < 0) {
                    throw new DepotException.Invalid("invalid_pattern", "Unterminated group name in the pattern.");
                }
                String name = python.substring(i + 4, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || names.containsKey(name)) {
                    throw new DepotException.Invalid("invalid_pattern", "Bad or repeated group name '" + name + "'.");
                }
                String javaName = "g" + names.size() + name.replaceAll("[^A-Za-z0-9]", "");
                names.put(name, javaName);
                out.append("(?<").append(javaName).append('>');
                i = end + 1;
                continue;
            }
            if (python.startsWith("(?P=", i)) {
                int end = python.indexOf(')', i + 4);
                String name = end < 0 ? "" : python.substring(i + 4, end);
                if (!names.containsKey(name)) {
                    throw new DepotException.Invalid("invalid_pattern", "Back-reference to unknown group '" + name + "'.");
                }
                out.append("\\k<").append(names.get(name)).append('>');
                i = end + 1;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }
}
