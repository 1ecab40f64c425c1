package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;
import org.vhostcheck.model.VhostcheckException;

/** Whole state graph and simulation traces of every exportable model replayed against Java. */
class ReplayTest {
    private static final Path HOME = Project.home();
    private static Path graph;

    @BeforeAll
    static void exportGraph() {
        Manifest m = Manifest.load(HOME);
        Manifest.Entry e = m.select(List.of("U64Reg"), false).get(0);
        graph = new Exporter(HOME, null).graph(e, m.specDir(), HOME.resolve("target/traces/ReplayTest.graph.ndjson")).file();
    }

    /**
     * Every exportable model's graph and simulation traces against every target: the Java model
     * with no divergence; each kernel version (when a harness part exists for the spec) with every
     * divergence explained by an investigated cause in conformance/drift.json, and no cause left
     * that explains nothing. A kernel that cannot be fetched fails this test with the reason, unless
     * -Dvhostcheck.kernel.skip=true (then it is reported as skipped, never as passed).
     */
    @Test
    void everyModelReplaysAgainstEveryTarget() {
        Manifest m = Manifest.load(HOME);
        Conformance c = new Conformance(HOME, null);
        List<SuiteResult> all = new ArrayList<>();
        for (Manifest.Entry e : m.select(null, false)) {
            if (!e.exportable()) {
                continue;
            }
            assertTrue(Machines.has(e.spec()), "exportable model " + e.name() + " has no Java twin");
            Conformance.Traces t = TraceFixture.traces(e.name());
            List<String> targets = Conformance.TARGETS.stream()
                    .filter(target -> target.equals(Conformance.JAVA) || KernelMachines.has(e.spec())).toList();
            for (SuiteResult r : c.replay(e, t, targets)) {
                String target = r.target();
                System.out.printf("%s vs %s: %d transitions, %d traces, %d mismatches, %d/%d actions, %.1f s%s%n",
                        r.model(), r.target(), r.transitions(), r.traces(), r.mismatches(), r.actionsCovered(),
                        r.actionsTotal(), r.seconds(), r.skipped() == null ? "" : ", SKIPPED: " + r.skipped());
                if (r.skipped() != null) {
                    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("vhostcheck.kernel.skip"),
                            target + " could not be built: " + r.skipped() + " (set -Dvhostcheck.kernel.skip=true to skip)");
                    continue;
                }
                if (target.equals(Conformance.JAVA)) {
                    assertEquals(0, r.mismatches(), r.divergences().toString());
                }
                if (e.today() && e.kernels().contains(target)) {
                    // manifest "kernels": a model of today's kernel equals the code of each kernel it names (the
                    // mutants' suites rest on it: on such a kernel any divergence is the kernel's change)
                    assertEquals(0, r.mismatches(), e.name() + " vs " + target + ": " + r.divergences());
                }
                assertEquals(r.actionsTotal(), r.actionsCovered(), r.model() + " vs " + target + " uncovered: " + r.uncoveredActions());
                // a kernel does not replay simulation runs that only repeat graph edges (Conformance.simsRepeatGraph)
                assertEquals(!target.equals(Conformance.JAVA) && Conformance.simsRepeatGraph(e) ? 0 : e.simulateCount(),
                        r.traces(), "simulation traces");
                all.add(r);
            }
        }
        Drift.Result d = Drift.load(HOME).analyze(all);
        assertEquals(List.of(), d.items().stream().filter(i -> !i.explained()).map(i -> i.model() + " vs " + i.target()
                + " line " + i.step() + " " + i.action() + " " + i.field() + ": spec " + i.expected() + ", target "
                + i.actual() + " (" + i.count() + "x, " + i.trace() + ")").toList(), "unexplained divergences");
        assertEquals(List.of(), d.unused().stream().map(Drift.Cause::id).toList(), "causes that explain nothing any more");
        assertTrue(all.size() > 0);
    }

    @Test
    void graphHasEveryEdgeOnce() throws IOException {
        List<String> lines = Files.readAllLines(graph);
        assertEquals(lines.size(), lines.stream().distinct().count(), "no edge twice");
        SuiteResult r = Replayer.replay(graph, "java");
        assertEquals(lines.size() - 2, r.transitions(), "header and one Init line; every other line an edge");
    }

    @Test
    void aTamperedStateIsADivergenceNamingTheField(@TempDir Path tmp) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(graph));
        int k = -1;
        for (int i = 2; i < lines.size(); i++) {
            if (lines.get(i).contains("\"action\":\"AddReg\"") && lines.get(i).endsWith("\"carry\":false,\"steps\":1}}")) {
                k = i;
                break;
            }
        }
        assertTrue(k > 0);
        lines.set(k, lines.get(k).replace("\"carry\":false,\"steps\":1}}", "\"carry\":true,\"steps\":1}}"));
        Path f = tmp.resolve("t.ndjson");
        Files.write(f, lines);
        SuiteResult r = Replayer.replay(f, "java");
        assertEquals(1, r.mismatches());
        Divergence d = r.divergences().get(0);
        assertEquals("carry", d.field());
        assertEquals(k + 1, d.line());
        assertEquals("true", d.expected());
        assertEquals("false", d.actual());
    }

    @Test
    void aStepTheJavaModelRefusesIsADivergence(@TempDir Path tmp) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(graph));
        // an edge from a state with steps = MaxSteps: not enabled in the Java model
        lines.set(2, lines.get(2).replaceFirst("\"steps\":0}", "\"steps\":3}"));
        Path f = tmp.resolve("t.ndjson");
        Files.write(f, lines);
        SuiteResult r = Replayer.replay(f, "java");
        assertEquals(1, r.mismatches());
        assertEquals("(enabled)", r.divergences().get(0).field());
    }

    @Test
    void aMissingActionIsUncovered(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(graph).stream().filter(l -> !l.contains("\"action\":\"TruncU32Reg\"")).toList();
        Path f = tmp.resolve("t.ndjson");
        Files.write(f, lines);
        SuiteResult r = Replayer.replay(f, "java");
        assertFalse(r.ok());
        assertEquals(List.of("TruncU32Reg"), r.uncoveredActions());
        // per-action transitions (the report's coverage table): every spec action listed, the removed one 0
        assertEquals(0L, r.actions().get("TruncU32Reg"), r.actions().toString());
        assertEquals(r.actionsTotal(), r.actions().size(), r.actions().toString());
        assertEquals(lines.stream().filter(l -> l.contains("\"action\":\"Load\"")).count(), r.actions().get("Load"));
        assertEquals(r.transitions(), r.actions().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void badTracesAreOneLineNamingFileAndLine(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(graph);
        String edge = lines.get(3);
        assertBad(tmp, lines.get(0) + "\n" + edge.substring(0, edge.length() / 2), ":2: not valid JSON");
        assertBad(tmp, lines.get(0) + "\n" + edge.replace("\"action\":\"", "\"action\":\"Bogus"), ":2: action 'Bogus");
        assertBad(tmp, lines.get(0) + "\n" + edge.replaceFirst("\"reg\":\"0x[0-9a-f]+\"", "\"reg\":\"0x10000000000000000\""),
                ":2: from.reg? |state.reg: '0x10000000000000000' is not a u64");
        assertBad(tmp, lines.get(0) + "\n" + edge.replaceFirst("\"reg\":\"0x[0-9a-f]+\"", "\"reg\":\"12\""),
                "is not a u64");
        assertBad(tmp, "{\"format\":\"other\"}", ":1: header: format must be");
        assertBad(tmp, "", ":1: empty file");
        VhostcheckException e = assertThrows(VhostcheckException.class, () -> Replayer.replay(tmp.resolve("none.ndjson"), "java"));
        assertTrue(e.getMessage().endsWith("none.ndjson: no such trace file"), e.getMessage());
    }

    private static void assertBad(Path tmp, String content, String expectedPart) throws IOException {
        Path f = tmp.resolve("bad.ndjson");
        Files.writeString(f, content);
        VhostcheckException e = assertThrows(VhostcheckException.class, () -> Replayer.replay(f, "java"));
        assertTrue(e.getMessage().startsWith(f.toString() + ":"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        if (expectedPart.contains("|")) {
            assertTrue(e.getMessage().contains(expectedPart.split("\\|")[1]), e.getMessage());
        } else {
            assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        }
    }
}
