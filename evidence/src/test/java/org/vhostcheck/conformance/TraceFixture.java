package org.vhostcheck.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;

/** A model's exported state graph, and replays of its header with one edited edge. */
final class TraceFixture {
    static final Path HOME = Project.home();

    final Path file;
    final List<String> lines;

    private TraceFixture(Path file) throws IOException {
        this.file = file;
        this.lines = Files.readAllLines(file);
    }

    /** The state graph of manifest model `model`: the conform suites' export ({@link #traces}), shared with ReplayTest. */
    static TraceFixture graph(String model) throws IOException {
        return new TraceFixture(traces(model).graph());
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Map<String, Conformance.Traces> EXPORTED = new java.util.HashMap<>();

    /**
     * A manifest model's graph and simulation traces as the conform suites export them
     * (target/traces/MODEL.graph.ndjson and .sim.ndjson), exported once per test JVM: the Java and
     * the kernel replay tests share them.
     */
    static synchronized Conformance.Traces traces(String model) {
        return EXPORTED.computeIfAbsent(model, name -> {
            Manifest m = Manifest.load(HOME);
            return new Conformance(HOME, null).export(m, m.select(List.of(name), false).get(0));
        });
    }

    /** The line number (0-based, past the header and Init lines) of the first edge that satisfies `p`. */
    int edge(Predicate<JsonNode> p) throws IOException {
        for (int i = 2; i < lines.size(); i++) {
            if (p.test(JSON.readTree(lines.get(i)))) {
                return i;
            }
        }
        throw new AssertionError("no such edge in the graph");
    }

    /** A trace file already exported (e.g. by Conformance.export). */
    static TraceFixture of(Path file) throws IOException {
        return new TraceFixture(file);
    }

    /** Replays the header and Init line followed by `edge` alone. */
    SuiteResult replayWith(Path tmp, String edge) throws IOException {
        return replayWith(tmp, edge, Replayer.JAVA);
    }

    /** The same against a target (the Java model or a kernel harness). */
    SuiteResult replayWith(Path tmp, String edge, String target) throws IOException {
        List<String> copy = new ArrayList<>(lines.subList(0, 2));
        copy.add(edge);
        Path f = tmp.resolve("t.ndjson");
        Files.write(f, copy);
        return Replayer.replay(f, target);
    }
}
