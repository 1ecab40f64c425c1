package org.vhostcheck.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header, a rule, then rows; columns padded, numeric columns right-aligned. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;

    Table(String... header) {
        rows.add(header);
        rightAligned = new boolean[header.length];
    }

    /** Right-aligns these columns (numbers). */
    Table right(int... columns) {
        for (int c : columns) {
            rightAligned[c] = true;
        }
        return this;
    }

    Table add(Object... cells) {
        String[] row = new String[cells.length];
        for (int k = 0; k < cells.length; k++) {
            row[k] = cells[k] == null ? "-" : cells[k].toString();
        }
        rows.add(row);
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    String render() {
        int n = rows.get(0).length;
        int[] width = new int[n];
        for (String[] r : rows) {
            for (int k = 0; k < n; k++) {
                width[k] = Math.max(width[k], r[k].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            line(b, rows.get(i), width);
            if (i == 0) {
                String[] rule = new String[n];
                for (int k = 0; k < n; k++) {
                    rule[k] = "-".repeat(width[k]);
                }
                line(b, rule, width);
            }
        }
        return b.toString();
    }

    private void line(StringBuilder b, String[] row, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int k = 0; k < row.length; k++) {
            String pad = " ".repeat(width[k] - row[k].length());
            l.append(k == 0 ? "" : "  ").append(rightAligned[k] ? pad + row[k] : row[k] + pad);
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
