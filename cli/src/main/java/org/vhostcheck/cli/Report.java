package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one section (check, prove, conform, drift) found: how many items, how many of them not as
 * expected, how many could not run (SKIPPED), the JSON document for --json and the text for people.
 */
record Report(String section, int items, int unexpected, ObjectNode json, String text, int missing) {
    Report(String section, int items, int unexpected, ObjectNode json, String text) {
        this(section, items, unexpected, json, text, 0);
    }

    /** Items as expected: in drift the items are kinds of divergence (explained ones are as expected), elsewhere suites. */
    int asExpected() {
        return items - unexpected - (section.equals("drift") ? 0 : missing);
    }

    /** Unexpected results win; otherwise a part that could not run (a kernel that could not be fetched) is exit 2. */
    int exitCode() {
        return unexpected > 0 ? Main.UNEXPECTED : missing > 0 ? Main.BAD_INPUT : Main.AS_EXPECTED;
    }

    /** Prints the report (JSON or text) and returns the exit code. */
    int print(Main main, boolean asJson) {
        if (asJson) {
            main.printJson(json);
        } else {
            main.out.print(text);
            main.out.flush();
            if (main.jsonToo != null) {
                main.jsonToo.println(json);
                main.jsonToo.flush();
            }
        }
        return exitCode();
    }
}
