package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one section (check, prove, conform) found: how many items, how many of them not as
 * expected, the JSON document for --json and the text for people.
 */
record Report(String section, int items, int unexpected, ObjectNode json, String text) {
    int exitCode() {
        return unexpected == 0 ? Main.AS_EXPECTED : Main.UNEXPECTED;
    }

    /** Prints the report (JSON or text) and returns the exit code. */
    int print(Main main, boolean asJson) {
        if (asJson) {
            main.printJson(json);
        } else {
            main.out.print(text);
            main.out.flush();
        }
        return exitCode();
    }
}
