package org.vhostcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Drift;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.model.AtomicFile;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck drift}: every divergence between the spec, the Java model and each kernel
 * version, one row per kind of divergence per model and target, grouped by its investigated cause
 * (conformance/drift.json). Writes target/drift/drift.json; {@code --show ID} writes the trace that
 * reproduces one divergence and prints its step. Exit 1 if any divergence is unexplained or a
 * cause no longer explains anything, 2 if a kernel could not be fetched.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "List every divergence between spec, Java and each kernel version, grouped by cause.")
final class DriftCommand implements Callable<Integer> {
    static final String OUT = "target/drift/drift.json";

    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print {\"divergences\":[...],\"causes\":[...]} on stdout.")
    private boolean json;

    @Option(names = "--target", paramLabel = "TARGET", description = "java, linux-6.1 or linux-6.12; repeatable (default: all).")
    private List<String> targets;

    @Option(names = "--trace", paramLabel = "FILE", description = "Analyse this NDJSON trace instead of the suites (with --target; default java).")
    private Path trace;

    @Option(names = "--show", paramLabel = "ID", description = "Reproduce one divergence of the last drift run: write its trace, print its step.")
    private String show;

    @Override
    public Integer call() {
        if (show != null) {
            return show(show);
        }
        List<SuiteResult> suites = ConformCommand.suites(main, trace, targets);
        return Results.saved(main, report(main, Drift.load(main.home()).analyze(suites))).print(main, json);
    }

    static Report report(Main main, Drift.Result d) {
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode items = doc.putArray("divergences");
        Map<String, List<Drift.Item>> byCause = new LinkedHashMap<>();
        for (Drift.Item i : d.items()) {
            ObjectNode o = items.addObject();
            o.put("id", i.id());
            o.put("model", i.model());
            o.put("action", i.action());
            o.put("target", i.target());
            o.put("step", i.step());
            o.put("field", i.field());
            o.put("expected", i.expected());
            o.put("actual", i.actual());
            o.put("explanation", i.explanation());
            o.put("cause", i.cause());
            o.put("claim", i.claim());
            o.put("count", i.count());
            o.put("trace", i.trace() == null ? null : i.trace().toString());
            byCause.computeIfAbsent(i.explained() ? i.cause() : "UNEXPLAINED", k -> new ArrayList<>()).add(i);
        }
        ArrayNode causes = doc.putArray("causes");
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<Drift.Item>> e : byCause.entrySet()) {
            ObjectNode c = causes.addObject();
            c.put("cause", e.getKey());
            Drift.Item first = e.getValue().get(0);
            c.put("explanation", first.explained() ? first.explanation() : "not investigated yet");
            c.put("claim", first.claim());
            c.put("count", e.getValue().stream().mapToLong(Drift.Item::count).sum());
            ArrayNode ids = c.putArray("divergences");
            e.getValue().forEach(i -> ids.add(i.id()));
            text.append("== ").append(e.getKey()).append(first.claim() == null ? "" : " (claim " + first.claim() + ")")
                    .append(": ").append(first.explained() ? first.explanation() : "NOT INVESTIGATED").append('\n');
            Table t = new Table("id", "model", "target", "action", "field", "spec", "target has", "count", "line").right(7, 8);
            e.getValue().forEach(i -> t.add(i.id(), i.model(), i.target(), i.action(), i.field(), i.expected(), i.actual(),
                    i.count(), i.step()));
            text.append(t.render()).append('\n');
        }
        ArrayNode stale = doc.putArray("unusedCauses");
        d.unused().forEach(c -> stale.add(c.id()));
        ArrayNode skipped = doc.putArray("skipped");
        for (SuiteResult s : d.skipped()) {
            ObjectNode o = skipped.addObject();
            o.put("model", s.model());
            o.put("target", s.target());
            o.put("reason", s.skipped());
            text.append("SKIPPED: ").append(s.model()).append(" vs ").append(s.target()).append(" was NOT replayed: ")
                    .append(s.skipped()).append('\n');
        }
        for (Drift.Cause c : d.unused()) {
            text.append("STALE: cause ").append(c.id()).append(" in ").append(Drift.FILE)
                    .append(" explains no divergence any more (fixed? remove it, or say why it is kept)\n");
        }
        long unexplained = d.unexplained();
        text.append(d.items().isEmpty() ? "no divergence: spec, Java and every kernel replayed agree\n"
                : d.items().size() + " kinds of divergence, " + unexplained + " unexplained; reproduce one with"
                + " vhostcheck drift --show ID\n");
        AtomicFile.write(main.home().resolve(OUT), doc.toPrettyString() + "\n");
        return new Report("drift", d.items().size(), (int) unexplained + d.unused().size(), doc, text.toString(),
                d.skipped().size());
    }

    private Integer show(String id) {
        Path f = main.home().resolve(OUT);
        JsonNode doc;
        try {
            doc = Main.JSON.readTree(Files.readString(f));
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(f + ": no drift run yet (run vhostcheck drift first)");
        } catch (JsonProcessingException e) {
            throw new VhostcheckException(f + ": not valid JSON: " + JsonProblem.of(e));
        } catch (IOException e) {
            throw new VhostcheckException(f + ": cannot read: " + e.getMessage());
        }
        JsonNode item = null;
        for (JsonNode i : doc.path("divergences")) {
            if (i.path("id").asText().equals(id)) {
                item = i;
            }
        }
        if (item == null) {
            throw new VhostcheckException(f + ": no divergence with id '" + id + "'");
        }
        if (item.path("trace").isNull() || item.path("trace").isMissingNode()) {
            throw new VhostcheckException(id + ": this divergence has no trace to reproduce it from");
        }
        if (item.path("step").asLong() <= 0) {
            // not a trace step: a run of the kernel's own vringh_test, whose log is the evidence
            String cmd = "conformance/kernel/vringh_test.sh " + item.path("target").asText() + " target/kernel";
            ObjectNode out = Main.JSON.createObjectNode();
            out.set("divergence", item);
            out.put("reproduce", cmd);
            out.put("log", item.path("trace").asText());
            if (json) {
                main.printJson(out);
            } else {
                main.out.println(id + ": " + item.path("model").asText() + " " + item.path("action").asText() + " on "
                        + item.path("target").asText() + ": " + item.path("actual").asText());
                main.out.println("log: " + item.path("trace").asText());
                main.out.println("reproduce: " + cmd);
                main.out.flush();
            }
            return Main.AS_EXPECTED;
        }
        List<String> lines = Drift.reproduction(Path.of(item.path("trace").asText()), item.path("step").asLong());
        Path repro = main.home().resolve("target/drift/" + id + ".ndjson");
        AtomicFile.writeLines(repro, lines);
        String target = item.path("target").asText();
        ObjectNode out = Main.JSON.createObjectNode();
        out.set("divergence", item);
        out.put("reproduce", "vhostcheck conform --trace " + repro + " --target " + target);
        out.put("traceFile", repro.toString());
        if (json) {
            main.printJson(out);
            return Main.AS_EXPECTED;
        }
        StringBuilder t = new StringBuilder();
        t.append(id).append(": ").append(item.path("model").asText()).append(" vs ").append(target).append(", ")
                .append(item.path("action").asText()).append(" at line ").append(item.path("step").asLong()).append(" of ")
                .append(item.path("trace").asText()).append('\n');
        t.append("explanation: ").append(item.path("explanation").asText()).append('\n');
        t.append(stepTable(lines.get(lines.size() - 1), item)).append('\n');
        t.append("reproduce: ").append(out.path("reproduce").asText()).append('\n');
        main.out.print(t);
        main.out.flush();
        return Main.AS_EXPECTED;
    }

    /** The step as a table of the fields it changes (spec before, spec after), and the diverging field. */
    private static String stepTable(String line, JsonNode item) {
        JsonNode step;
        try {
            step = Main.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return "(step unreadable: " + JsonProblem.of(e) + ")";
        }
        Table t = new Table("field", "before", "spec after", "target has");
        JsonNode from = step.path("from");
        JsonNode to = step.path("state");
        for (Iterator<String> it = to.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            boolean diverging = item.path("field").asText().equals(f) || item.path("field").asText().startsWith(f + ".")
                    || item.path("field").asText().startsWith(f + "[");
            if (!to.get(f).equals(from.get(f)) || diverging) {
                t.add(f, from.isMissingNode() ? "" : String.valueOf(from.get(f)), to.get(f).toString(),
                        diverging ? item.path("field").asText() + " = " + item.path("actual").asText() : "");
            }
        }
        return "params: " + step.path("params") + "\n" + t.render();
    }
}
