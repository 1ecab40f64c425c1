package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of trace fields for the machines; a wrong or missing field is a {@link BadTraceException}. */
final class Fields {
    private Fields() {
    }

    static JsonNode array(JsonNode s, String f) {
        JsonNode v = s.get(f);
        if (v == null || !v.isArray()) {
            throw new BadTraceException("state." + f + ": expected an array");
        }
        return v;
    }

    static boolean bool(JsonNode s, String f) {
        JsonNode v = s.get(f);
        if (v == null || !v.isBoolean()) {
            throw new BadTraceException(f + ": expected true or false");
        }
        return v.booleanValue();
    }

    static long integer(JsonNode s, String f) {
        JsonNode v = s.get(f);
        if (v == null || !v.canConvertToLong()) {
            throw new BadTraceException(f + ": expected a whole number");
        }
        return v.asLong();
    }

    static int intConst(JsonNode c, String f) {
        JsonNode v = c.get(f);
        if (v == null || !v.canConvertToInt()) {
            throw new BadTraceException("header: constants." + f + " missing");
        }
        return v.asInt();
    }

    static boolean boolConst(JsonNode c, String f) {
        JsonNode v = c.get(f);
        if (v == null || !v.isBoolean()) {
            throw new BadTraceException("header: constants." + f + " missing");
        }
        return v.booleanValue();
    }

    /** A header constant that sizes the Java model's arrays: bounded, so a trace cannot make it allocate without limit. */
    static int intConst(JsonNode c, String f, int min, int max) {
        int v = intConst(c, f);
        if (v < min || v > max) {
            throw new BadTraceException("header: constants." + f + " = " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /** A small whole number (a permission, an access mode, an errno, a step count) within its range. */
    static int intIn(JsonNode s, String f, int min, int max) {
        long v = integer(s, f);
        if (v < min || v > max) {
            throw new BadTraceException(f + ": " + v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }
}
