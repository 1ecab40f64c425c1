package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostcheck report} and the saved results it reads: each command saves its --json document;
 * the page shows every section from them (committed real results, see
 * src/test/resources/report/README.md), runs a section that has none, and refuses a corrupt one
 * without touching the page already there.
 */
class ReportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the committed results of these sections into home/target/results. */
    static void fixtures(Path home, String... sections) {
        try {
            Files.createDirectories(home.resolve(Results.DIR));
            for (String s : sections) {
                try (InputStream in = ReportCommandTest.class.getResourceAsStream("/report/" + s + ".json")) {
                    assertNotNull(in, "fixture report/" + s + ".json");
                    Files.copy(in, Results.file(home, s), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The part of the page from {@code <table id="ID"} to its end, or null. */
    static String table(String html, String id) {
        return between(html, "<table id=\"" + id + "\"");
    }

    static String between(String html, String start) {
        int a = html.indexOf(start);
        return a < 0 ? null : html.substring(a, html.indexOf("</table>", a) + "</table>".length());
    }

    /** The rows of a table, header included. */
    static int rows(String table) {
        return table.split("<tr[ >]", -1).length - 1;
    }

    private static Path report(Path home, String... more) {
        String[] args = Stream.concat(Stream.of("report", "--home", home.toString()), Stream.of(more)).toArray(String[]::new);
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r.err());
        Path index = Path.of(r.out().strip());
        assertTrue(index.endsWith("index.html") && Files.isRegularFile(index), r.out());
        return index;
    }

    @Test
    void eachRunSavesItsJsonDocumentWithTimeAndCommit(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Cli r = Cli.run("check", "--home", home.toString(), "--json", "U64Laws_NoCarry");
        assertEquals(0, r.exit(), r.err());
        JsonNode saved = JSON.readTree(Files.readString(Results.file(home, "check")));
        assertEquals("check", saved.get("section").asText());
        Instant at = Instant.parse(saved.get("generated").asText());
        assertTrue(Math.abs(at.getEpochSecond() - Instant.now().getEpochSecond()) < 600, at.toString());
        assertEquals(Results.commit(home) != null, saved.has("commit"), "the commit only where git knows one");
        assertEquals(r.json(), saved.get("data"), "data is the --json document");
        JsonNode cx = saved.get("data").get("models").get(0).get("counterexample");
        assertEquals("Init", cx.get(0).get("action").asText());
        assertTrue(cx.get(0).get("state").get("x").asText().startsWith("0x"), cx.toString()); // violated by an initial state
        assertEquals("OK", saved.get("data").get("models").get(0).get("verdict").asText());

        // conform counts transitions per action, next to the fields it had
        Files.createDirectories(home.resolve("conformance"));
        Files.writeString(home.resolve("conformance/drift.json"), "{\"causes\":[]}");
        Path graph = dir.resolve("u64reg.ndjson");
        assertEquals(0, Cli.run("export", "--home", home.toString(), "U64Reg", "--graph", "-o", graph.toString()).exit());
        Cli c = Cli.run("conform", "--home", home.toString(), "--json", "--trace", graph.toString());
        assertEquals(0, c.exit(), c.err());
        JsonNode suite = JSON.readTree(Files.readString(Results.file(home, "conform"))).get("data").get("suites").get(0);
        assertEquals(c.json().get("suites").get(0), suite);
        long sum = 0;
        for (JsonNode n : suite.get("actions")) {
            assertTrue(n.asLong() > 0, suite.toString());
            sum += n.asLong();
        }
        assertEquals(suite.get("transitions").asLong(), sum, suite.toString());
        assertEquals(suite.get("actionsTotal").asInt(), suite.get("actions").size());
    }

    @Test
    void commitIsHeadInAGitCheckoutAndAbsentElsewhere(@TempDir Path dir) throws IOException, InterruptedException {
        assertNull(Results.commit(dir), "a temporary folder is no checkout");
        if (Files.exists(Cli.HOME.resolve(".git"))) {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(Cli.HOME.toFile()).start();
            String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, p.waitFor());
            assertEquals(head, Results.commit(Cli.HOME));
        }
    }

    @Test
    void pageShowsEverySectionFromTheSavedResults(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        fixtures(home, "triage", "check", "prove", "conform", "drift", "mutate", "generated-mutants", "coverage");
        Path index = report(home);
        assertEquals(home.resolve(ReportCommand.OUT).resolve("index.html"), index, "the default place");
        assertTrue(Files.getPosixFilePermissions(index).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "a page others (a web server) can read, not createTempFile's 0600");
        String html = Files.readString(index);

        String verdicts = table(html, "verdicts");
        assertEquals(1 + 7, rows(verdicts));
        for (String c : List.of("v-confirmed", "v-refuted", "v-inconclusive", "v-not-modelled")) {
            assertTrue(verdicts.contains("<td class=\"" + c + "\">"), c);
        }
        // the escaping probe: NOT MODELLED where REFUTED was expected
        assertTrue(verdicts.contains("<td class=\"unexpected\">REFUTED</td>"), verdicts);
        // claims are input: their markup is text
        assertTrue(verdicts.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"), verdicts);
        assertTrue(verdicts.contains("<li>&lt;img src=x onerror=alert(1)&gt;</li>"), verdicts);
        assertFalse(html.contains("<script") || html.contains("<img") || html.contains("<b>"), "no markup from input");
        assertTrue(verdicts.contains("<tr id=\"claim-X_1_\">"), "ids from input are reduced to safe characters");

        // the counterexample of a claim, and of each violated model of check
        assertEquals(4, html.split("<table class=\"counterexample\"", -1).length - 1, "F001, F005 and two of check");
        String iotlb = between(html, "<table class=\"counterexample\" id=\"cx-check-Iotlb_NoLastCheck\"");
        assertNotNull(iotlb, html);
        List<List<String>> cells = cells(iotlb);
        assertEquals(List.of("step", "action", "maps", "segs", "req", "ret", "spun", "translated"), cells.get(0));
        assertEquals("2|Update", cells.get(2).get(0) + "|" + cells.get(2).get(1));
        // step 2 (Update) changes the maps only: that cell and no other is marked
        assertEquals(List.of("maps"), changed(iotlb, cells.get(0)).get(2));
        assertEquals(List.of(), changed(iotlb, cells.get(0)).get(1), "the first state has no step before it");
        assertTrue(cells.get(2).get(2).contains("&quot;start&quot;:&quot;0x2000&quot;,<wbr>&quot;last&quot;:&quot;0x1fff&quot;"), cells.get(2).get(2));
        String f001 = between(html, "<table class=\"counterexample\" id=\"cx-claim-F001\"");
        assertEquals(List.of("dirty", "marked", "logWritten"), changed(f001, cells(f001).get(0)).get(5),
                "F001's last step (DeviceWrite) dirties a page and writes the log");

        String models = table(html, "models");
        assertEquals(1 + 2, rows(models));
        assertTrue(models.contains("<td>violates:Inv_NoInvertedRange</td><td class=\"num\">11</td><td class=\"ok\">OK</td>"), models);

        String proofs = table(html, "proofs");
        assertEquals(1 + 4, rows(proofs));
        assertTrue(proofs.contains("<td>org.vhostcheck.ref.U64NoCarry</td><td>addOverflows</td><td>open</td><td>open</td>"), proofs);

        // kernel mutants: one killed and equal to its broken model, one that survived a weakened suite
        String mutants = table(html, "mutants");
        assertEquals(1 + 2, rows(mutants));
        assertTrue(mutants.contains("<td>PutU16Access</td><td>linux-6.1</td><td>drivers/vhost/vringh.c putu16_iotlb:1253</td>"
                + "<td class=\"ok\">OK</td>"), mutants);
        assertTrue(mutants.contains("<td class=\"unexpected\">SURVIVED</td>"), mutants);
        assertTrue(html.contains("<p id=\"mutation-score\">Mutation score: 1 of 2 guard mutants killed"), html);
        // generated mutants: the score, each survivor with its source line, each equivalent one with its reason
        assertTrue(html.contains("<p id=\"generated-score\">Mutation score: 5 of 9 generated mutants killed (0 stillborn, 1 "
                + "recorded equivalent, 3 survived, 1 of them on lines no suite runs)"), html);
        assertTrue(table(html, "generated-by-kernel").contains("<td>linux-6.12</td><td class=\"num\">5</td><td class=\"num\">8</td>"
                + "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">3</td><td class=\"num\">1</td>"),
                table(html, "generated-by-kernel"));
        String survivors = table(html, "generated-survivors");
        assertEquals(1 + 3, rows(survivors));
        assertTrue(survivors.contains("<td>getu16_iotlb:1288:&lt;to&lt;=</td><td>linux-6.12</td><td>drivers/vhost/vringh.c:1288</td>"),
                survivors);
        String equivalent = table(html, "generated-equivalent");
        assertEquals(1 + 1, rows(equivalent));
        assertTrue(equivalent.contains("ret is iotlb_translate&#39;s count of bio_vec entries"), equivalent);
        assertEquals(1 + 2, rows(table(html, "generated-by-kernel")));

        // kernel coverage: per kernel the totals, per function lines and branches; no tree unpacked in this home
        assertTrue(html.contains("<p id=\"kernel-coverage-linux-6_12\">Kernel code: "), html);
        String fns = table(html, "kernel-coverage-functions-linux-6_12");
        assertEquals(1 + 3, rows(fns), fns);
        assertTrue(fns.contains("<td>vhost_iotlb_add_range_ctx</td><td>drivers/vhost/iotlb.c</td><td class=\"num\">21/36 (58 %)</td>"
                + "<td class=\"num\">7/22 (32 %)</td><td class=\"num unexpected\">15</td>"), fns);
        assertTrue(fns.contains("<td class=\"num\">0 (never entered)</td>"), fns);
        assertTrue(html.contains("<summary>vhost_iotlb_add_range_ctx (drivers/vhost/iotlb.c:56-118)</summary>\n<p class=\"not-run\">"
                + "source not unpacked here"), html);

        String coverage = table(html, "coverage");
        assertTrue(coverage.contains("<th>java</th><th>linux-6.1</th><th>linux-6.12</th>"), coverage);
        assertEquals(1 + 3 + 9 + 7, rows(coverage), "Iotlb, DirtyLog and U64Reg actions");
        assertTrue(coverage.contains("<td>Iotlb</td><td>Translate</td><td class=\"num\">243</td><td class=\"num\">243</td>"
                + "<td class=\"num\">243</td>"), coverage);
        assertTrue(coverage.contains("<td>DirtyLog</td><td>UsedWrite</td><td class=\"num zero\">0</td>"), "never exercised stands out");
        assertTrue(coverage.contains("<td>U64Reg</td><td>AddReg</td><td class=\"num\">456</td><td class=\"none\">-</td>"
                + "<td class=\"none\">-</td>"), "U64Reg has no kernel part");

        String drift = table(html, "drift");
        assertEquals(1 + 80, rows(drift));
        assertTrue(drift.contains("<td class=\"nw\">D4253daee</td>"), drift);
        assertTrue(drift.contains("<td class=\"nw\">dirtylog-6.12-model-on-6.1</td>"), drift);

        // one self-contained file: no script, no stylesheet or image to fetch, links only within the page
        assertFalse(Pattern.compile("<[a-z]+[^>]*\\ssrc=").matcher(html).find() || html.contains("<link"),
                "nothing loaded from elsewhere");
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) {
            assertTrue(href.group(1).startsWith("#"), href.group());
        }
        assertTrue(html.contains("Generated ") && html.contains("(not a git checkout)"), "the header says when and at which commit");
    }

    /** The text of every cell, row by row (header first). */
    static List<List<String>> cells(String table) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (String row : table.split("<tr[ >]")) {
            if (!row.contains("<td") && !row.contains("<th")) {
                continue;
            }
            Matcher m = Pattern.compile("<t[dh][^>]*>(.*?)</t[dh]>").matcher(row);
            List<String> r = new java.util.ArrayList<>();
            while (m.find()) {
                r.add(m.group(1));
            }
            out.add(r);
        }
        return out;
    }

    /** Per row (header = row 0), the columns whose cell has the class "changed". */
    static List<List<String>> changed(String table, List<String> header) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (String row : table.split("<tr[ >]")) {
            if (!row.contains("<td") && !row.contains("<th")) {
                continue;
            }
            Matcher m = Pattern.compile("<t[dh]( class=\"([^\"]*)\")?[^>]*>").matcher(row);
            List<String> r = new java.util.ArrayList<>();
            int k = 0;
            while (m.find()) {
                if (m.group(2) != null && List.of(m.group(2).split(" ")).contains("changed")) {
                    r.add(header.get(k));
                }
                k++;
            }
            out.add(r);
        }
        return out;
    }

    @Test
    void kernelSourceIsMarkedWhereTheSuitesNeverRun(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        fixtures(home, "coverage");
        // the tree's lines as the report reads them at report time (here: numbered stand-ins)
        List<String> file = new java.util.ArrayList<>();
        for (int n = 1; n <= 130; n++) {
            file.add(n == 101 ? "\t\tif (!map)" : n == 102 ? "\t\t\treturn -ENOMEM;" : "line " + n + " <&>");
        }
        String html = HtmlReport.render(java.util.Map.of("coverage", Results.load(home, "coverage")), "2026-12-08T00:00:00Z", null,
                (t, f) -> t.equals("linux-6.12") && f.equals("drivers/vhost/iotlb.c") ? file : null);
        assertTrue(html.contains("<span class=\"unrun\">  102  \t\t\treturn -ENOMEM;</span>"), "an unrun line: " + html);
        assertTrue(html.contains("<span class=\"untaken\" title=\"never taken: branch 1 of 2\">  101  \t\tif (!map)</span>"),
                "a line with an untaken branch: " + html);
        assertTrue(html.contains("<span>  105  line 105 &lt;&amp;&gt;</span>"), "a line that ran, escaped: " + html);
        assertFalse(html.contains("vhost_iotlb_del_range (drivers"), "a function run in full has no source block");
    }

    @Test
    void aSectionNeverRunSaysSo(@TempDir Path dir) throws IOException {
        // report runs a missing section, so a page without one comes only from the renderer given fewer sections
        Path home = dir.resolve("home");
        fixtures(home, "check", "prove", "conform", "drift");
        java.util.Map<String, Results.Saved> saved = new java.util.LinkedHashMap<>();
        for (String s : List.of("check", "prove", "conform", "drift")) {
            saved.put(s, Results.load(home, s));
        }
        String html = HtmlReport.render(saved, "2026-11-30T00:00:00Z", null);
        assertNull(table(html, "verdicts"));
        assertTrue(html.contains("<section id=\"sec-triage\">\n<h2>Claim verdicts</h2>\n<p class=\"not-run\">not run"), html);
        assertFalse(Files.exists(Results.file(home, "triage")), "nothing made up for it");
    }

    @Test
    void aSectionWithoutSavedResultIsRunNow(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        // a manifest of two quick models, so that "every CI model" takes seconds
        ObjectNode manifest = (ObjectNode) JSON.readTree(Files.readString(home.resolve("spec/manifest.json")));
        ArrayNode keep = JSON.createArrayNode();
        manifest.get("models").forEach(m -> {
            if (m.get("name").asText().startsWith("U64Laws")) {
                keep.add(m);
            }
        });
        manifest.set("models", keep);
        Files.writeString(home.resolve("spec/manifest.json"), manifest.toPrettyString());
        fixtures(home, "triage", "prove", "conform", "drift", "mutate", "generated-mutants", "coverage");
        String html = Files.readString(report(home));
        JsonNode saved = JSON.readTree(Files.readString(Results.file(home, "check")));
        assertEquals(3, saved.get("data").get("models").size(), "the check that ran now was saved");
        String models = table(html, "models");
        assertEquals(1 + 3, rows(models));
        assertTrue(models.contains("<td>U64Laws_SignedLt</td>"), models);
        assertNotNull(between(html, "<table class=\"counterexample\" id=\"cx-check-U64Laws_NoCarry\""), html);
        // the saved prove result was used as it was
        assertEquals(new String(ReportCommandTest.class.getResourceAsStream("/report/prove.json").readAllBytes(),
                StandardCharsets.UTF_8), Files.readString(Results.file(home, "prove")));
    }

    @Test
    void aCorruptSavedResultIsBadInputAndThePageStays(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        fixtures(home, "triage", "check", "prove", "conform", "drift", "mutate", "generated-mutants", "coverage");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("index.html"), "<p>the page of an earlier run</p>");
        Files.writeString(out.resolve("notes.txt"), "kept");
        Path prove = Results.file(home, "prove");
        String whole = Files.readString(prove);
        Files.writeString(prove, whole.substring(0, whole.length() / 2));
        assertBad(home, out, prove + ": not valid JSON: ");

        fixtures(home, "prove");
        Files.copy(Results.file(home, "check"), Results.file(home, "drift"), StandardCopyOption.REPLACE_EXISTING);
        assertBad(home, out, Results.file(home, "drift") + ": not a saved drift result: \"section\" is \"check\"");

        fixtures(home, "drift");
        Files.writeString(Results.file(home, "triage"), "{\"section\":\"triage\",\"generated\":\"now\",\"data\":{\"claims\":{}}}");
        assertBad(home, out, Results.file(home, "triage") + ": data.claims must be an array");
    }

    /** Exit 2 with one line that starts as given, and the output folder exactly as it was. */
    private static void assertBad(Path home, Path out, String start) throws IOException {
        Map<String, byte[]> before = files(out);
        String line = Cli.run("report", "--home", home.toString(), "-o", out.toString()).assertBadInput();
        assertTrue(line.startsWith("vhostcheck: " + start), line);
        Map<String, byte[]> after = files(out);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed");
        before.forEach((f, b) -> assertArrayEquals(b, after.get(f), f + " unchanged"));
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void anOutputThatIsAFileIsBadInput(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("home");
        fixtures(home, "triage", "check", "prove", "conform", "drift", "mutate", "generated-mutants", "coverage");
        Path file = Files.writeString(dir.resolve("plain"), "x");
        String line = Cli.run("report", "--home", home.toString(), "-o", file.toString()).assertBadInput();
        assertTrue(line.contains(file + ": not a directory"), line);
        assertEquals("x", Files.readString(file));
    }
}
