package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.vhostcheck.model.TlaValues;
import org.vhostcheck.model.TlcResult;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.ToolOutput;
import org.vhostcheck.model.TraceState;

/**
 * TLC's {@code -tool} output: {@link ToolOutput} framing, {@link TlcRunner#interpret} (exit code,
 * statistics, violated invariant, trace states, error line) and {@link TraceState}, on any text.
 * The module has no View, so interpret parses trace values itself ({@link TlaValues}) and forks nothing.
 */
public final class TlcOutputTarget {
    private static final int[] EXITS = {0, 10, 11, 12, 13, 75, 150, 255};

    private TlcOutputTarget() {
    }

    /** Jazzer calls this once before fuzzing: loads (and instruments) the parsers outside the per-input timeout. */
    public static void fuzzerInitialize() {
        new ToolOutput(null).line("@!@!@STARTMSG 2193:0 @!@!@");
        TlaValues.parse("<<1>>");
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        int exit = EXITS[d.consumeInt(0, EXITS.length - 1)];
        String value = d.consumeString(200);
        String text = new String(d.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        try {
            TlaValues.decodeU64(TlaValues.parse(value));
        } catch (IllegalArgumentException e) {
            Oracle.oneLine(e); // TlaValues' documented failure; its callers turn it into bad input
        }
        Path module = Scratch.write("Fuzz.tla", "---- MODULE Fuzz ----\n====\n".getBytes(StandardCharsets.UTF_8));
        Path config = Scratch.write("Fuzz.cfg", new byte[0]);
        ToolOutput out = new ToolOutput(m -> { });
        text.lines().forEach(out::line);
        for (ToolOutput.Message m : out.messages()) {
            TraceState s = TraceState.parse(m.text(), 1);
            check(s.action() != null && s.raw() != null, "a parsed state has an action and variables");
        }
        Oracle.parser(() -> {
            TlcResult r = new TlcRunner(Scratch.dir(), 1, null).interpret(new TlcRunner.Run(exit, out, 0), module, config);
            check(r.outcome().equals(TlcResult.HOLDS) || r.outcome().equals(TlcResult.ERROR) || r.violated(),
                    "outcome is holds, error or violates:X");
            check(!r.outcome().equals(TlcResult.ERROR) || (r.error() != null && !r.error().contains("\n")),
                    "an error is one line");
        });
    }
}
