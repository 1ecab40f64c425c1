package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.vhostcheck.model.JsonProblem;

/** u64 values in traces: "0x" and 1 to 16 hex digits (JSON numbers lose precision above 2^53). */
public final class Hex {
    private Hex() {
    }

    public static String of(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Parses a trace u64; {@link ReplayException} says what is wrong with it. */
    public static long parse(JsonNode node, String what) {
        if (node == null || !node.isTextual()) {
            throw new BadTraceException(what + ": expected a u64 as a \"0x...\" string, found "
                    + JsonProblem.cut(String.valueOf(node), 40));
        }
        String s = node.textValue();
        if (!s.matches("0x[0-9a-fA-F]{1,16}")) {
            // quote at most what a u64 could be, plus a little: the value is input of any length
            throw new BadTraceException(what + ": '" + JsonProblem.cut(s, 24) + "' is not a u64 (\"0x\" and 1 to 16 hex digits)");
        }
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
