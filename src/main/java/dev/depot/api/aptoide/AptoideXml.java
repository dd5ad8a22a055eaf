package dev.depot.api.aptoide;

import java.util.List;
import java.util.Map;

/** Aptoide's XML form of the same answer: {@code <response><status/><listing><entry/>...}. */
final class AptoideXml {
    private AptoideXml() {}

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> body) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>\n");
        x.append("   <status>").append(escape(String.valueOf(body.get("status")))).append("</status>\n");
        if (body.containsKey("errors")) {
            x.append("   <errors>\n");
            for (Object e : (List<Object>) body.get("errors")) {
                x.append("      <entry>").append(escape(String.valueOf(e))).append("</entry>\n");
            }
            x.append("   </errors>\n");
        }
        if (body.containsKey("listing")) {
            x.append("   <listing>\n");
            for (Map<String, Object> entry : (List<Map<String, Object>>) body.get("listing")) {
                x.append("      <entry>\n");
                entry.forEach((k, v) -> x.append("         <").append(k).append('>').append(escape(String.valueOf(v)))
                        .append("</").append(k).append(">\n"));
                x.append("      </entry>\n");
            }
            x.append("   </listing>\n");
        }
        return x.append("</response>\n").toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
