package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vhostcheck.fuzz.Targets;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck fuzz}: one fuzz target for a while, with Jazzer's own driver
 * (com.code_intelligence.jazzer.Jazzer, libFuzzer underneath) in a forked JVM on this class
 * path. The committed regression corpus seeds it; new inputs go to target/fuzz/&lt;target&gt;/corpus
 * and findings to target/fuzz/&lt;target&gt;/findings. The figures are libFuzzer's: executions,
 * coverage ("cov", edges) and features ("ft").
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true, description = "Fuzz one target (Jazzer) for a given time.")
final class FuzzCommand implements Callable<Integer> {
    /** Seconds one input may take before Jazzer reports it as a hang (an unbounded loop is a finding);
     * generous, as the machine may be shared. */
    static final int INPUT_TIMEOUT = 30;
    /** How often progress is shown. */
    static final long PROGRESS_NANOS = 10_000_000_000L;

    // libFuzzer status lines: "#1234 NEW cov: 45 ft: 67 corp: 8/120b ... exec/s: 900 rss: 300Mb"
    private static final Pattern STATUS = Pattern.compile("^#(\\d+)\\s+(\\w+)\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/.*?exec/s: (\\d+).*");
    private static final Pattern DONE = Pattern.compile("^Done (\\d+) runs in (\\d+) second.*");
    private static final Pattern EXECUTED = Pattern.compile("^stat::number_of_executed_units: (\\d+)");
    private static final Pattern WRITTEN = Pattern.compile(".*Test unit written to (\\S+)");
    private static final Pattern REPRODUCER = Pattern.compile(".*reproducer written to (\\S+)");
    private static final Pattern FINDING = Pattern.compile("^== (Java Exception|libFuzzer crashing input|ERROR): ?(.*)");

    @ParentCommand
    private Main main;

    @Option(names = "--target", required = true, paramLabel = "T", description = "The target: ${COMPLETION-CANDIDATES}.",
            completionCandidates = TargetNames.class)
    private String target;

    @Option(names = "--minutes", required = true, paramLabel = "M", description = "How long to fuzz (a decimal number of minutes).")
    private double minutes;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    private boolean json;

    static final class TargetNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        TargetNames() {
            super(Targets.ALL.keySet());
        }
    }

    /** What one run found. */
    record Summary(String target, double seconds, long execs, long coverage, long features, long corpus,
                   List<String> findings, List<String> files, int exitCode) {
        double execsPerSecond() {
            return seconds > 0 ? execs / seconds : 0;
        }
    }

    @Override
    public Integer call() {
        Targets.Target t = Targets.ALL.get(target);
        if (t == null) {
            throw new VhostcheckException("--target: no fuzz target '" + target + "' (known: "
                    + String.join(", ", Targets.ALL.keySet()) + ")");
        }
        if (!(minutes > 0) || minutes > 7 * 24 * 60) {
            throw new VhostcheckException("--minutes must be more than 0 and at most a week, not " + minutes);
        }
        Summary s = run(main.home(), t, Math.max(1, Math.round(minutes * 60)));
        return print(s);
    }

    Summary run(Path home, Targets.Target t, long seconds) {
        Path work = home.resolve("target/fuzz").resolve(t.name());
        Path corpus = work.resolve("corpus");
        Path findings = work.resolve("findings");
        try {
            Files.createDirectories(corpus);
            Files.createDirectories(findings);
        } catch (IOException e) {
            throw new VhostcheckException(work + ": cannot create the fuzzing folder: " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + t.type().getName(),
                "--instrumentation_includes=org.vhostcheck.**:com.fasterxml.jackson.**",
                "--reproducer_path=" + findings,
                "--keep_going=10",
                "-max_total_time=" + seconds,
                "-timeout=" + INPUT_TIMEOUT,
                "-rss_limit_mb=3072",
                "-print_final_stats=1",
                "-artifact_prefix=" + findings + "/",
                corpus.toString()));
        Path seeds = Targets.corpus(home, t);
        if (Files.isDirectory(seeds)) {
            cmd.add(seeds.toString()); // read only: libFuzzer writes new inputs to the first folder
        }
        main.progress().accept("fuzz " + t.name() + ": " + t.what() + ", " + seconds + " s (findings in " + findings + ")");
        long t0 = System.nanoTime();
        long execs = 0;
        long cov = 0;
        long ft = 0;
        long corp = 0;
        List<String> found = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        int exit;
        // libFuzzer prints status only on news and at powers of two: show progress on a clock instead
        java.util.concurrent.atomic.AtomicReference<String> shown = new java.util.concurrent.atomic.AtomicReference<>("starting");
        java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "fuzz-progress");
            th.setDaemon(true);
            return th;
        });
        clock.scheduleAtFixedRate(() -> main.progress().accept(String.format(Locale.ROOT, "fuzz %s: %s, %.0f s left",
                t.name(), shown.get(), Math.max(0, seconds - (System.nanoTime() - t0) / 1e9))),
                PROGRESS_NANOS, PROGRESS_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
        try {
            Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (tail.size() == 20) {
                        tail.remove(0);
                    }
                    tail.add(line);
                    Matcher m;
                    if ((m = STATUS.matcher(line)).matches()) {
                        execs = Long.parseLong(m.group(1));
                        cov = Long.parseLong(m.group(3));
                        ft = Long.parseLong(m.group(4));
                        corp = Long.parseLong(m.group(5));
                    } else if ((m = DONE.matcher(line)).matches() || (m = EXECUTED.matcher(line)).matches()) {
                        execs = Math.max(execs, Long.parseLong(m.group(1)));
                    } else if ((m = FINDING.matcher(line)).matches() && !m.group(2).isBlank()) {
                        found.add(m.group(2).strip());
                    } else if ((m = WRITTEN.matcher(line)).matches() || (m = REPRODUCER.matcher(line)).matches()) {
                        files.add(work.resolve(m.group(1)).normalize().toString());
                    }
                    shown.set(String.format(Locale.ROOT, "%,d execs, cov %d, ft %d, corpus %d, %d findings",
                            execs, cov, ft, corp, found.size()));
                }
            }
            exit = p.waitFor();
        } catch (IOException e) {
            throw new VhostcheckException("cannot run Jazzer (" + cmd.get(0) + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VhostcheckException("interrupted while fuzzing " + t.name());
        } finally {
            clock.shutdownNow();
        }
        if (exit != 0 && found.isEmpty() && files.isEmpty()) {
            // Jazzer did not run (bad class path, unsupported platform): its last words say why
            throw new VhostcheckException("fuzz " + t.name() + ": Jazzer exited " + exit + " without a finding: "
                    + String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size())));
        }
        return new Summary(t.name(), (System.nanoTime() - t0) / 1e9, execs, cov, ft, corp, found, files, exit);
    }

    private int print(Summary s) {
        int crashes = Math.max(s.findings().size(), (int) s.files().stream().filter(f -> !f.endsWith(".java")).count());
        if (json) {
            ObjectNode doc = Main.JSON.createObjectNode();
            doc.put("target", s.target());
            doc.put("seconds", Main.round(s.seconds()));
            doc.put("execs", s.execs());
            doc.put("execsPerSecond", Math.round(s.execsPerSecond()));
            doc.put("coverage", s.coverage());
            doc.put("features", s.features());
            doc.put("corpus", s.corpus());
            doc.put("crashes", crashes);
            ArrayNode f = doc.putArray("findings");
            s.findings().forEach(f::add);
            ArrayNode fs = doc.putArray("files");
            s.files().forEach(fs::add);
            main.printJson(doc);
        } else {
            Table table = new Table("target", "seconds", "execs", "execs/s", "coverage", "features", "corpus", "crashes")
                    .right(1, 2, 3, 4, 5, 6, 7);
            table.add(s.target(), String.format(Locale.ROOT, "%.0f", s.seconds()), String.format(Locale.ROOT, "%,d", s.execs()),
                    String.format(Locale.ROOT, "%,.0f", s.execsPerSecond()), s.coverage(), s.features(), s.corpus(), crashes);
            StringBuilder b = new StringBuilder(table.render());
            if (crashes > 0) {
                b.append('\n').append("Findings:\n");
                s.findings().forEach(x -> b.append("  ").append(x).append('\n'));
                b.append("Reproducers:\n");
                s.files().forEach(x -> b.append("  ").append(x).append('\n'));
            }
            main.out.print(b);
            main.out.flush();
        }
        return crashes == 0 ? Main.AS_EXPECTED : Main.UNEXPECTED;
    }
}
