package org.vhostcheck.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/** What is wrong with a JSON input, as one short line for the user (no source excerpt, no Java types). */
public final class JsonProblem {
    /** Characters of Jackson's description kept. */
    static final int MAX = 200;

    private JsonProblem() {
    }

    /** The problem and where: "the text ends inside an object (line 1, column 40)". */
    public static String of(JsonProcessingException e) {
        String what;
        if (e instanceof JsonEOFException eof) {
            // between values Jackson decodes no token; its message still names the open Object or Array
            String open = eof.getTokenBeingDecoded() != null ? eof.getTokenBeingDecoded().name()
                    : String.valueOf(eof.getOriginalMessage()).contains("close marker for Object") ? "START_OBJECT"
                    : String.valueOf(eof.getOriginalMessage()).contains("close marker for Array") ? "START_ARRAY" : "";
            what = "the text ends inside " + switch (open) {
                case "START_OBJECT", "FIELD_NAME" -> "an object";
                case "START_ARRAY" -> "an array";
                case "VALUE_STRING" -> "a string";
                default -> "a value";
            } + " (truncated?)";
        } else {
            String m = e.getOriginalMessage();
            if (m == null) {
                m = e.getClass().getSimpleName();
            }
            int cut = m.indexOf('\n');
            m = cut < 0 ? m : m.substring(0, cut);
            // Jackson appends a source excerpt and fully qualified Java types; neither helps the user
            what = m.replaceAll(" ?\\(start marker at \\[.*$", "")
                    .replaceAll("`[a-zA-Z0-9_.$]+[.$]([A-Za-z0-9_]+)`", "$1")
                    .replaceAll("\\s+", " ").strip();
        }
        what = cut(what); // Jackson quotes the offending value, which may be any length
        var loc = e.getLocation();
        return loc == null || loc.getLineNr() < 1 ? what
                : what + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** Input text quoted in a message (a value, a field name), cut short: the message stays one short line. */
    public static String cut(String text) {
        return cut(text, MAX);
    }

    /** The same, at most {@code max} characters of the input before the "...". */
    public static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }
}
