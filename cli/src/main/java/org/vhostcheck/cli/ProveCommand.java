package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vhostcheck.key.Expectation;
import org.vhostcheck.key.Expectations;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.key.KeyProver;
import org.vhostcheck.key.ProofResult;
import org.vhostcheck.key.SavedProofs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vhostcheck prove}: proves every JML contract with KeY and compares with
 * jml-verified/proofs.json. One row per method: "closed" when all its specification cases
 * close, "open" when one stays open (what a broken twin must do).
 */
@Command(name = "prove", mixinStandardHelpOptions = true, description = "Prove the JML contracts of jml-verified/src/main/jml with KeY.")
final class ProveCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--only", paramLabel = "REGEX",
            description = "Prove only the methods whose class.method (full class name) contains a match, e.g. 'Iotlb\\.addRange$'.")
    private String only;

    @CommandLine.ArgGroup(exclusive = true)
    private Saved saved;

    static final class Saved {
        @Option(names = "--save", required = true, description = "Search every contract with KeY's automatic mode and save each closed proof "
                + "in jml-verified/saved-proofs/ (later runs replay them rule by rule instead of searching); without --only, "
                + "saved proofs no contract has any more are removed.")
        boolean save;

        @Option(names = "--fresh", required = true, description = "Search every contract; neither replay nor change the saved proofs, nor read the twin searches kept in target/results/cache/key/.")
        boolean fresh;
    }

    @Override
    public Integer call() throws KeyLoadException {
        Pattern p;
        try {
            p = only == null ? null : Pattern.compile(only);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--only: not a regular expression: "
                    + e.getDescription());
        }
        SavedProofs.Mode mode = saved == null ? SavedProofs.Mode.REPLAY
                : saved.save ? SavedProofs.Mode.SAVE : SavedProofs.Mode.FRESH;
        return Results.saved(main, run(main, p, mode)).print(main, json);
    }

    static Report run(Main main) throws KeyLoadException {
        return run(main, null, SavedProofs.Mode.REPLAY);
    }

    static Report run(Main main, Pattern only, SavedProofs.Mode mode) throws KeyLoadException {
        Path home = main.home();
        List<Expectation> expected = Expectations.load(Expectations.defaultFile(home)); // bad file: fail before proving
        if (only != null) {
            expected = expected.stream().filter(e -> only.matcher(e.key()).find()).toList();
        }
        main.progress().accept("prove: loading " + KeyProver.sourceDir(home) + " into KeY ...");
        List<ProofResult> results = KeyProver.proveAll(home, only, mode, main.progress());
        if (mode == SavedProofs.Mode.SAVE && only == null) {
            for (Path orphan : SavedProofs.orphans(SavedProofs.defaultDir(home), results)) {
                main.progress().accept("prove: removing " + orphan + " (no contract of today's sources has it)");
                SavedProofs.delete(orphan);
            }
        }
        List<String> problems = Expectations.check(expected, results);

        Map<String, Expectation> byKey = new LinkedHashMap<>();
        expected.forEach(e -> byKey.put(e.key(), e));
        Map<String, List<ProofResult>> methods = new TreeMap<>();
        expected.forEach(e -> methods.put(e.key(), new ArrayList<>()));
        results.forEach(r -> methods.computeIfAbsent(r.className() + "." + r.method(), k -> new ArrayList<>()).add(r));

        Table table = new Table("class", "method", "cases", "expected", "result", "how", "nodes", "seconds", "verdict")
                .right(2, 6, 7);
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("contracts");
        int unexpected = 0;
        for (Map.Entry<String, List<ProofResult>> m : methods.entrySet()) {
            List<ProofResult> rs = m.getValue();
            Expectation e = byKey.get(m.getKey());
            String className = e != null ? e.className() : rs.get(0).className();
            String method = e != null ? e.method() : rs.get(0).method();
            String exp = e != null ? e.expected() : "unlisted";
            String result = rs.isEmpty() ? "missing"
                    : rs.stream().allMatch(ProofResult::closed) ? ProofResult.CLOSED : ProofResult.OPEN;
            long nodes = rs.stream().mapToLong(ProofResult::nodes).sum();
            double seconds = rs.stream().mapToDouble(ProofResult::seconds).sum();
            boolean ok = problems.stream().noneMatch(p -> p.startsWith(m.getKey() + ":"));
            // replayed: every case re-checked from its saved proof; searched: KeY's automatic mode on at least one
            String how = rs.isEmpty() ? "" : rs.stream().allMatch(ProofResult::replayed) ? ProofResult.REPLAYED
                    : ProofResult.SEARCHED;
            unexpected += ok ? 0 : 1;
            table.add(className, method, rs.size(), exp, result, how, nodes, String.format(Locale.ROOT, "%.1f", seconds),
                    ok ? "OK" : "UNEXPECTED");
            ObjectNode row = rows.addObject();
            row.put("class", className);
            row.put("method", method);
            row.put("expected", exp);
            row.put("result", result);
            row.put("how", how);
            ArrayNode stale = row.putArray("staleSavedProofs");
            rs.stream().filter(r -> r.how().startsWith(ProofResult.SEARCHED + " (")).forEach(r -> stale.add(r.how()));
            row.put("nodes", nodes);
            row.put("seconds", Main.round(seconds));
            row.put("verdict", ok ? "OK" : "UNEXPECTED");
        }
        String text = table.render() + (problems.isEmpty() ? ""
                : "\nNot as expected:\n  " + String.join("\n  ", problems) + "\n");
        return new Report("prove", methods.size(), unexpected, doc, text);
    }
}
