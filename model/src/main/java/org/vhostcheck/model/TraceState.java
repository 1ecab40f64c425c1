package org.vhostcheck.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One state of a TLC error trace: its number, the action that led to it ("Init" for the
 * first), the variables as TLC printed them, and (once rendered through the model's View)
 * the state as traces show it.
 */
public record TraceState(int number, String action, Map<String, String> raw, ObjectNode view) {
    // state numbers fit an int: at most 9 digits
    private static final Pattern HEADER = Pattern.compile("^(\\d{1,9}): <([^ >]+)[^>]*>.*$");

    public TraceState withView(ObjectNode v) {
        return new TraceState(number, action, raw, v);
    }

    /** Parses the text of a TLC state message (code 2217) or the state inside message 2107. */
    public static TraceState parse(String text, int defaultNumber) {
        String[] lines = text.split("\n");
        int number = defaultNumber;
        String action = "Init";
        int first = 0;
        if (lines.length > 0) {
            Matcher m = HEADER.matcher(lines[0].trim());
            if (m.matches()) {
                number = Integer.parseInt(m.group(1));
                action = m.group(2).equals("Initial") ? "Init" : m.group(2);
                first = 1;
            } else if (!lines[0].startsWith("/\\") && !lines[0].matches("^\\s*\\w+ = .*")) {
                first = 1; // a prose line such as "Invariant X is violated by the initial state:"
            }
        }
        Map<String, String> raw = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (int k = first; k < lines.length; k++) {
            String l = lines[k];
            String t = l.startsWith("/\\ ") ? l.substring(3) : l;
            int eq = t.indexOf(" = ");
            boolean starts = (l.startsWith("/\\ ") || name == null) && eq > 0
                    && t.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*");
            if (starts) {
                if (name != null) {
                    raw.put(name, value.toString().trim());
                }
                name = t.substring(0, eq);
                value.setLength(0);
                value.append(t.substring(eq + 3));
            } else if (name != null) {
                value.append(' ').append(l.trim());
            }
        }
        if (name != null) {
            raw.put(name, value.toString().trim());
        }
        return new TraceState(number, action, raw, null);
    }
}
