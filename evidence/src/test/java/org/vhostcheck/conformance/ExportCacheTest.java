package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;

/**
 * The conform cache (target/traces/cache): a graph asked for alone runs no simulation, the simulation is added to
 * the same graph when asked for, the graph's counts come back from the cache, and an edit of the trace config gives
 * a new key whose export removes the model's old one. U64Reg in a copy of spec/ (a few TLC runs of 305 states).
 */
class ExportCacheTest {

    @Test
    void graphAloneThenSimulationThenAnEditEvictsTheOldKey(@TempDir Path home) throws IOException {
        copy(Project.home().resolve("spec"), home.resolve("spec"));
        List<String> progress = new ArrayList<>();
        Conformance c = new Conformance(home, progress::add);
        Manifest m = Manifest.load(home);
        Manifest.Entry e = m.select(List.of("U64Reg"), false).get(0);

        Conformance.Traces graphOnly = c.export(m, e, false);
        assertNull(graphOnly.sim(), "no simulation asked for, none run");
        assertFalse(progress.stream().anyMatch(l -> l.contains("simulating")), progress.toString());
        assertEquals(305, graphOnly.graphDistinctStates());
        assertTrue(graphOnly.graphTransitions() > 0);

        progress.clear();
        Conformance.Traces both = c.export(m, e);
        assertNotNull(both.sim());
        assertEquals(graphOnly.graph(), both.graph(), "the cached graph, not a second export");
        assertFalse(progress.stream().anyMatch(l -> l.contains("exporting the state graph")), progress.toString());
        assertTrue(progress.stream().anyMatch(l -> l.contains("simulating")), progress.toString());

        progress.clear();
        Conformance.Traces again = new Conformance(home, progress::add).export(m, e);
        assertEquals(both, again, "counts and files from the cache");
        assertFalse(progress.stream().anyMatch(l -> l.contains("exporting") || l.contains("simulating")), progress.toString());

        // an edit of the trace config: a new key, exported afresh; the old key's files go
        Path cfg = home.resolve("spec").resolve(e.traceConfig());
        Files.writeString(cfg, Files.readString(cfg) + "\\* edited\n");
        Conformance.Traces edited = c.export(m, e, false);
        assertNotEquals(both.graph(), edited.graph());
        assertFalse(Files.exists(both.graph()) || Files.exists(both.sim()), "the old key is evicted");
        assertTrue(Files.exists(edited.graph()));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
