package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void graphExportHasHeaderAndAllEdges(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("u64reg.ndjson");
        Cli r = Cli.run("export", "U64Reg", "--graph", "-o", f.toString());
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("(\\d+) transitions").matcher(r.out());
        assertTrue(m.find(), r.out());
        List<String> lines = Files.readAllLines(f);
        JsonNode header = JSON.readTree(lines.get(0));
        assertEquals("vhostcheck-trace/1", header.get("format").asText());
        assertEquals("graph", header.get("kind").asText());
        assertEquals("U64Reg", header.get("model").asText());
        long edges = lines.stream().skip(1).filter(l -> !l.contains("\"action\":\"Init\"")).count();
        assertTrue(edges > 0);
        assertEquals(Long.parseLong(m.group(1)), edges, r.out());
    }

    @Test
    void simulationExportHasTheRequestedTraces(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sim.ndjson");
        Cli r = Cli.run("export", "U64Reg", "--simulate", "3", "--depth", "5", "--seed", "7", "-o", f.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(f);
        JsonNode header = JSON.readTree(lines.get(0));
        assertEquals("simulation", header.get("kind").asText());
        assertEquals(7, header.get("seed").asLong());
        long traces = lines.stream().skip(1).map(l -> {
            try {
                return JSON.readTree(l).get("trace").asLong();
            } catch (IOException e) {
                throw new AssertionError(l, e);
            }
        }).distinct().count();
        assertEquals(3, traces);
        assertTrue(r.out().contains("in 3 traces"), r.out());
    }

    @Test
    void depthWithoutSimulateIsBadInput(@TempDir Path dir) {
        Cli.run("export", "U64Reg", "--graph", "--depth", "5", "-o", dir.resolve("x").toString()).assertBadInput();
    }

    @Test
    void modelWithoutTraceConfigIsBadInput(@TempDir Path dir) {
        Path f = dir.resolve("out.ndjson");
        String line = Cli.run("export", "U64Laws", "--graph", "-o", f.toString()).assertBadInput();
        assertTrue(line.contains("U64Laws"), line);
        assertFalse(Files.exists(f));
    }

    @Test
    void graphAndSimulateTogetherIsBadInput(@TempDir Path dir) {
        Cli.run("export", "U64Reg", "--graph", "--simulate", "3", "-o", dir.resolve("x").toString()).assertBadInput();
    }

    @Test
    void failedExportLeavesExistingFileIntact(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        // the trace config starts from Init, which prints nothing: TLC succeeds, the conversion fails
        Cli.replace(home.resolve("spec/MCU64Reg_trace.cfg"), "INIT TraceInit", "INIT Init");
        Path out = Files.createDirectories(dir.resolve("out"));
        Path f = out.resolve("keep.ndjson");
        Files.writeString(f, "precious\n");
        String line = Cli.run("export", "--home", home.toString(), "U64Reg", "--graph", "-o", f.toString()).assertBadInput();
        assertTrue(line.contains("initial state"), line);
        assertEquals("precious\n", Files.readString(f));
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(f), left.toList(), "no temporary files left behind");
        }
    }
}
