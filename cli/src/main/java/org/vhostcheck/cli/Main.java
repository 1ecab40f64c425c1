package org.vhostcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.model.Project;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code vhostcheck} command. Exit codes: 0 everything as expected, 1 a result differs
 * from what the project expects, 2 bad input or a missing tool (one line on stderr).
 */
@Command(name = "vhostcheck", mixinStandardHelpOptions = true, version = "vhostcheck 0.1.0",
        description = "Formal reference model of the Linux vhost data plane: TLC models, KeY proofs, trace replay.",
        subcommands = {CheckCommand.class, ProveCommand.class, ConformCommand.class, ExportCommand.class,
                BenchCommand.class, AllCommand.class, ClaimsCommand.class, FuzzCommand.class, DriftCommand.class,
                TriageCommand.class, ReviewCommand.class, ReportCommand.class, MutateCommand.class, CoverageCommand.class})
public final class Main implements Callable<Integer> {
    public static final int AS_EXPECTED = 0;
    public static final int UNEXPECTED = 1;
    public static final int BAD_INPUT = 2;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--home", hidden = true, scope = ScopeType.INHERIT,
            description = "Project root (default: -Dvhostcheck.home, else the folder above holding spec/manifest.json).")
    private Path home;

    final PrintStream out;
    final PrintStream err;
    /** Where a report printed as text also puts its JSON (tests: both renderings of one run); null: nowhere. */
    final PrintStream jsonToo;

    private Main(PrintStream out, PrintStream err, PrintStream jsonToo) {
        this.out = out;
        this.err = err;
        this.jsonToo = jsonToo;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; results go to {@code out}, progress and the error line to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, null);
    }

    /** As above; a report printed as text also writes its JSON document to {@code jsonToo}. */
    static int run(String[] args, PrintStream out, PrintStream err, PrintStream jsonToo) {
        CommandLine cl = new CommandLine(new Main(out, err, jsonToo));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> fail(err, ex.getMessage() + " (see vhostcheck --help)"));
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof VhostcheckException || ex instanceof KeyLoadException) {
                return fail(err, ex.getMessage());
            }
            if (System.getenv("VHOSTCHECK_STACKTRACE") != null) {
                ex.printStackTrace(err);
            }
            StackTraceElement at = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
            return fail(err, "internal error: " + ex + (at != null ? " at " + at : "")
                    + " (set VHOSTCHECK_STACKTRACE=1 for details)");
        });
        return cl.execute(args);
    }

    private static int fail(PrintStream err, String message) {
        String line = message == null ? "unknown error" : message.replaceAll("\\s+", " ").strip();
        err.println("vhostcheck: " + line);
        err.flush();
        return BAD_INPUT;
    }

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is needed: check, prove, conform, drift, triage, review, report, export, bench, all, claims or fuzz");
    }

    /** The project root this run works on. */
    Path home() {
        return home != null ? home.toAbsolutePath().normalize() : Project.home();
    }

    /** Progress lines for anything that takes a while: stderr, so stdout stays clean for --json. */
    Consumer<String> progress() {
        return line -> {
            err.println(line);
            err.flush();
        };
    }

    /** Prints a JSON document (and nothing else) on stdout. */
    void printJson(JsonNode node) {
        try {
            out.println(JSON.writeValueAsString(node));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
