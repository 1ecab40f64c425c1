package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.VhostcheckException;

/** The drift report's grouping, its causes file and the reproduction of one divergence. */
class DriftTest {
    @TempDir
    Path home;

    private Drift load(String causes) throws IOException {
        Files.createDirectories(home.resolve("conformance"));
        Files.writeString(home.resolve(Drift.FILE), causes);
        return Drift.load(home);
    }

    private static final String ONE_CAUSE = """
            {"causes":[{"id":"F009","model":"Dirty.*","target":"linux-6\\\\.12","key":"UsedWrite marked(\\\\[])?",
              "explanation":"6.12 lacks the fix","claim":"F009","verdict":"kernel differs"},
              {"id":"OLD","model":".*","target":".*","key":"Gone .*","explanation":"fixed long ago","verdict":"model gap"}]}
            """;

    private static SuiteResult suite(String model, String target, Divergence... ds) {
        return new SuiteResult(model, target, 10, 1, ds.length, 2, 2, 0.1, List.of(ds), List.of());
    }

    @Test
    void divergencesAreGroupedByKindAndExplainedByTheFirstMatchingCause() throws IOException {
        Drift d = load(ONE_CAUSE);
        Path t = home.resolve("x.ndjson");
        Drift.Result r = d.analyze(List.of(
                suite("DirtyLog_Fix", "linux-6.12", new Divergence(7, "UsedWrite", "marked[0]", "0x1", "0x3", t),
                        new Divergence(9, "UsedWrite", "marked[1]", "0x1", "0x3", t)),
                suite("DirtyLog_Fix", "linux-6.1", new Divergence(7, "UsedWrite", "marked[0]", "0x1", "0x3", t)),
                suite("Iotlb", "java"),
                SuiteResult.skipped("Iotlb", "linux-6.1", "no network")));
        assertEquals(2, r.items().size(), r.items().toString());
        Drift.Item a = r.items().get(0);
        assertEquals("F009", a.cause());
        assertEquals(2, a.count());
        assertEquals(7, a.step());
        assertEquals("marked[0]", a.field());
        assertEquals(t, a.trace());
        Drift.Item b = r.items().get(1);
        assertFalse(b.explained(), "the 6.1 divergence is not covered by a 6.12 cause");
        assertTrue(b.explanation().startsWith("UNEXPLAINED"), b.explanation());
        assertEquals(1, r.unexplained());
        assertEquals(List.of("OLD"), r.unused().stream().map(Drift.Cause::id).toList());
        assertEquals(1, r.skipped().size());
        assertNotEquals(a.id(), b.id());
        assertEquals(a.id(), Drift.id("DirtyLog_Fix", "linux-6.12", "UsedWrite marked[]"), "ids are stable");
    }

    @Test
    void noDivergenceGivesAnEmptyList() throws IOException {
        Drift.Result r = load("{\"causes\":[]}").analyze(List.of(suite("Iotlb", "linux-6.12")));
        assertTrue(r.items().isEmpty());
        assertEquals(0, r.unexplained());
    }

    @Test
    void badCausesFileIsOneLineNamingTheEntry() throws IOException {
        String m1 = assertThrows(VhostcheckException.class, () -> load("{\"causes\":[{\"id\":\"X\"}]}")).getMessage();
        assertTrue(m1.contains("drift.json: causes[0].model"), m1);
        String m2 = assertThrows(VhostcheckException.class, () -> load("{\"causes\":[{\"id\":\"X\",\"model\":\"(\","
                + "\"target\":\".*\",\"key\":\".*\",\"explanation\":\"e\",\"verdict\":\"model gap\"}]}")).getMessage();
        assertTrue(m2.contains("causes[0].model: not a regular expression"), m2);
        String m3 = assertThrows(VhostcheckException.class, () -> load("{\"causes\":[{\"id\":\"X\",\"model\":\".*\","
                + "\"target\":\".*\",\"key\":\".*\",\"explanation\":\"e\",\"verdict\":\"ok\"}]}")).getMessage();
        assertTrue(m3.contains("causes[0].verdict"), m3);
        String m4 = assertThrows(VhostcheckException.class, () -> load("{\"causes\":")).getMessage();
        assertTrue(m4.contains("not valid JSON"), m4);
        assertFalse(m4.contains("\n"), m4);
    }

    @Test
    void reproductionOfAGraphEdgeIsTheHeaderAndTheEdge() throws IOException {
        Path g = Files.write(home.resolve("g.ndjson"), List.of(
                "{\"format\":\"vhostcheck-trace/1\",\"kind\":\"graph\"}",
                "{\"action\":\"Init\",\"params\":{},\"state\":{}}",
                "{\"from\":{},\"action\":\"A\",\"params\":{},\"state\":{\"v\":1}}",
                "{\"from\":{},\"action\":\"B\",\"params\":{},\"state\":{\"v\":2}}"));
        assertEquals(List.of("{\"format\":\"vhostcheck-trace/1\",\"kind\":\"graph\"}",
                "{\"from\":{},\"action\":\"B\",\"params\":{},\"state\":{\"v\":2}}"), Drift.reproduction(g, 4));
    }

    @Test
    void reproductionOfASimulationStepStartsAtItsInit() throws IOException {
        List<String> lines = List.of(
                "{\"format\":\"vhostcheck-trace/1\",\"kind\":\"simulation\"}",
                "{\"trace\":0,\"step\":0,\"action\":\"Init\",\"params\":{},\"state\":{}}",
                "{\"trace\":0,\"step\":1,\"action\":\"A\",\"params\":{},\"state\":{}}",
                "{\"trace\":1,\"step\":0,\"action\":\"Init\",\"params\":{},\"state\":{}}",
                "{\"trace\":1,\"step\":1,\"action\":\"A\",\"params\":{},\"state\":{}}",
                "{\"trace\":1,\"step\":2,\"action\":\"B\",\"params\":{},\"state\":{}}",
                "{\"trace\":1,\"step\":3,\"action\":\"C\",\"params\":{},\"state\":{}}");
        Path s = Files.write(home.resolve("s.ndjson"), lines);
        assertEquals(List.of(lines.get(0), lines.get(3), lines.get(4), lines.get(5)), Drift.reproduction(s, 6));
        String m = assertThrows(VhostcheckException.class, () -> Drift.reproduction(s, 99)).getMessage();
        assertTrue(m.contains("has no line 99"), m);
    }

    @Test
    void skippedSuiteIsNeverOk() {
        SuiteResult s = SuiteResult.skipped("Iotlb", "linux-6.12", "apt-get: no network");
        assertFalse(s.ok());
        assertEquals("apt-get: no network", s.skipped());
        assertEquals(Map.of(), s.counts());
        assertNull(suite("Iotlb", "java").skipped());
    }
}
