package org.vhostcheck.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A counterexample as a table of steps: the first state in full, then for each step the action
 * and only the fields it changed ({@code field: old -> new}).
 */
public final class TraceTable {
    private TraceTable() {
    }

    public static String render(List<TraceState> trace) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"step", "action", "changed"});
        JsonNode prev = null;
        for (TraceState s : trace) {
            JsonNode cur = s.view();
            List<String> changes = new ArrayList<>();
            if (cur != null) {
                for (Iterator<String> it = cur.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    JsonNode now = cur.get(f);
                    JsonNode was = prev == null ? null : prev.get(f);
                    if (was == null) {
                        changes.add(f + " = " + show(now));
                    } else if (!was.equals(now)) {
                        changes.add(f + ": " + show(was) + " -> " + show(now));
                    }
                }
            }
            if (changes.isEmpty()) {
                changes.add("(no change)");
            }
            for (int k = 0; k < changes.size(); k++) {
                rows.add(new String[] {k == 0 ? Integer.toString(s.number()) : "", k == 0 ? s.action() : "", changes.get(k)});
            }
            prev = cur;
        }
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(4);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(6);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            b.append(String.format("  %-" + w0 + "s  %-" + w1 + "s  %s%n", r[0], r[1], r[2]));
            if (k == 0) {
                b.append("  ").append("-".repeat(w0)).append("  ").append("-".repeat(w1)).append("  ").append("-".repeat(7)).append('\n');
            }
        }
        return b.toString();
    }

    private static String show(JsonNode v) {
        return v.isTextual() ? v.textValue() : v.toString();
    }
}
