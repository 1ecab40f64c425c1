package org.vhostcheck.key;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code proofs-report.json} and {@code proofs-report.txt}; each file appears whole or not at all. */
public final class ProofReport {

    public static final String JSON = "proofs-report.json";
    public static final String TEXT = "proofs-report.txt";

    private ProofReport() {
    }

    /** {@code <home>/jml-verified/target}, where the reports go. */
    public static Path defaultDir(Path home) {
        return home.resolve("jml-verified").resolve("target");
    }

    public static void write(Path dir, List<Expectation> expected, List<ProofResult> results, List<String> problems)
            throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ProofResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", r.className());
            row.put("method", r.method());
            row.put("contract", r.contract());
            row.put("expected", expectedOf(expected, r));
            row.put("result", r.result());
            row.put("nodes", r.nodes());
            row.put("seconds", r.seconds());
            row.put("openGoals", r.openGoals());
            row.put("how", r.how());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asExpected", problems.isEmpty());
        doc.put("problems", problems);
        doc.put("totalSeconds", Math.round(results.stream().mapToDouble(ProofResult::seconds).sum() * 10) / 10.0);
        doc.put("results", rows);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        atomicWrite(dir.resolve(JSON), json + "\n");
        atomicWrite(dir.resolve(TEXT), table(expected, results, problems));
    }

    /** The plain-text table: one row per contract, then the problems (or "all as expected"). */
    public static String table(List<Expectation> expected, List<ProofResult> results, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-30s %-16s %-24s %-8s %-6s %-8s %8s %8s%n";
        sb.append(String.format(Locale.ROOT, fmt, "class", "method", "case", "expected", "result", "how", "nodes", "seconds"));
        for (ProofResult r : results) {
            sb.append(String.format(Locale.ROOT, fmt, r.className(), r.method(), r.caseName(), expectedOf(expected, r),
                    r.result(), r.replayed() ? ProofResult.REPLAYED : ProofResult.SEARCHED, r.nodes(),
                    String.format(Locale.ROOT, "%.1f", r.seconds())));
        }
        sb.append(problems.isEmpty() ? "all as expected\n" : "NOT as expected:\n  " + String.join("\n  ", problems) + "\n");
        return sb.toString();
    }

    private static String expectedOf(List<Expectation> expected, ProofResult r) {
        Expectation e = Expectations.find(expected, r);
        return e == null ? "unlisted" : e.expected();
    }

    private static void atomicWrite(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
