package org.vhostcheck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads values as TLC prints them (PrintT output, states of error traces) into JSON:
 * tuples and sets become arrays, records and functions objects, strings strings,
 * integers numbers, TRUE/FALSE booleans. u64 values reach us already rendered as
 * "0x..." strings by the spec's View, so no number here exceeds TLC's 32 bits.
 */
public final class TlaValues {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Nesting kept at most: TLC's values here are a few levels deep; deeper input must not overflow the stack. */
    static final int MAX_DEPTH = 100;

    private final String s;
    private int i;
    private int depth;

    private TlaValues(String s) {
        this.s = s;
    }

    /**
     * Replaces every u64 the spec printed as {@code Enc(a)}, the tagged tuple
     * {@code <<"u64", l1, l2, l3, l4>>} of 16-bit limbs (most significant first), by its
     * "0x..." string, in place; returns the (possibly replaced) node.
     */
    public static JsonNode decodeU64(JsonNode v) {
        if (v.isArray()) {
            if (v.size() == 5 && "u64".equals(v.get(0).textValue())) {
                long x = 0;
                for (int k = 1; k <= 4; k++) {
                    JsonNode l = v.get(k);
                    if (!l.canConvertToInt() || l.asInt() < 0 || l.asInt() > 0xffff) {
                        throw new IllegalArgumentException("u64 limb out of range: " + v);
                    }
                    x = (x << 16) | l.asInt();
                }
                return F.textNode("0x" + Long.toHexString(x));
            }
            ArrayNode a = (ArrayNode) v;
            for (int k = 0; k < a.size(); k++) {
                a.set(k, decodeU64(a.get(k)));
            }
        } else if (v.isObject()) {
            ObjectNode o = (ObjectNode) v;
            for (var it = o.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                o.set(f, decodeU64(o.get(f)));
            }
        }
        return v;
    }

    /** Parses one TLC value; throws {@link IllegalArgumentException} naming the offset. */
    public static JsonNode parse(String text) {
        TlaValues p = new TlaValues(text);
        JsonNode v = p.value();
        p.ws();
        if (p.i != p.s.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private JsonNode value() {
        if (++depth > MAX_DEPTH) {
            throw error("values nested more than " + MAX_DEPTH + " deep");
        }
        try {
            return valueAt();
        } finally {
            depth--;
        }
    }

    private JsonNode valueAt() {
        ws();
        if (i >= s.length()) {
            throw error("value expected, found end of text");
        }
        char c = s.charAt(i);
        if (s.startsWith("<<", i)) {
            i += 2;
            return list(">>");
        }
        if (c == '{') {
            i++;
            return list("}");
        }
        if (c == '[') {
            i++;
            return record();
        }
        if (c == '(') {
            i++;
            return function();
        }
        if (c == '"') {
            return F.textNode(string());
        }
        if (c == '-' || Character.isDigit(c)) {
            return F.numberNode(integer());
        }
        if (s.startsWith("TRUE", i)) {
            i += 4;
            return F.booleanNode(true);
        }
        if (s.startsWith("FALSE", i)) {
            i += 5;
            return F.booleanNode(false);
        }
        if (Character.isLetter(c)) { // a model value
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            return F.textNode(s.substring(start, i));
        }
        throw error("unexpected character '" + c + "'");
    }

    private ArrayNode list(String close) {
        ArrayNode a = F.arrayNode();
        ws();
        if (s.startsWith(close, i)) {
            i += close.length();
            return a;
        }
        while (true) {
            a.add(value());
            ws();
            if (s.startsWith(close, i)) {
                i += close.length();
                return a;
            }
            expect(",");
        }
    }

    private ObjectNode record() {
        ObjectNode o = F.objectNode();
        ws();
        if (s.startsWith("]", i)) {
            i++;
            return o;
        }
        while (true) {
            ws();
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            if (start == i) {
                throw error("record field name expected");
            }
            String name = s.substring(start, i);
            ws();
            expect("|->");
            o.set(name, value());
            ws();
            if (s.startsWith("]", i)) {
                i++;
                return o;
            }
            expect(",");
        }
    }

    /** (k1 :> v1 @@ k2 :> v2): a function with a domain that is not 1..n. */
    private ObjectNode function() {
        ObjectNode o = F.objectNode();
        while (true) {
            JsonNode k = value();
            ws();
            expect(":>");
            JsonNode v = value();
            o.set(k.isTextual() ? k.textValue() : k.toString(), v);
            ws();
            if (s.startsWith(")", i)) {
                i++;
                return o;
            }
            expect("@@");
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        i++; // opening quote
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && i < s.length()) {
                char e = s.charAt(i++);
                b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
            } else {
                b.append(c);
            }
        }
        throw error("unterminated string");
    }

    private long integer() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        try {
            return Long.parseLong(s.substring(start, i));
        } catch (NumberFormatException e) {
            throw error("bad integer");
        }
    }

    private void expect(String tok) {
        ws();
        if (!s.startsWith(tok, i)) {
            throw error("expected '" + tok + "'");
        }
        i += tok.length();
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        String near = s.substring(Math.max(0, i - 20), Math.min(s.length(), i + 20));
        return new IllegalArgumentException("TLC value, offset " + i + ": " + what + " (near \"" + near + "\")");
    }
}
