package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser shows it: Debian's chromium, headless, on a report made from real
 * results (a check run here for a real counterexample, the committed results of the slow sections),
 * reads the page into a DOM that holds every table, then takes a screenshot
 * (cli/target/report-screenshot.png). Without /usr/bin/chromium the test fails saying how to
 * install it, unless -Dvhostcheck.browser.skip=true.
 */
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long TIMEOUT_SECONDS = 120;
    static final Path SCREENSHOT = Cli.HOME.resolve("cli/target/report-screenshot.png");

    @Test
    void chromiumShowsEveryTable(@TempDir Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = CHROMIUM + " is missing: install it with 'apt-get install -y --no-install-recommends chromium'"
                    + " (.ci/run does), or skip this test with -Dvhostcheck.browser.skip=true";
            Assumptions.assumeFalse(Boolean.getBoolean("vhostcheck.browser.skip"), why);
            fail(why);
        }
        Path home = Cli.copyHome(dir.resolve("home"));
        // one worker: TLC's breadth-first search then finds the same counterexample every time
        Cli check = Cli.run("check", "--home", home.toString(), "--workers", "1", "Iotlb_NoLastCheck");
        assertEquals(0, check.exit(), check.err());
        ReportCommandTest.fixtures(home, "triage", "prove", "conform", "drift", "mutate", "generated-mutants", "coverage");
        Path out = Cli.HOME.resolve("cli/target/report-browser-test");
        Cli r = Cli.run("report", "--home", home.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        Path index = out.resolve("index.html");
        assertEquals(index.toString(), r.out().strip());

        String dom = chromium(dir, "dom", "--dump-dom", index.toUri().toString());
        assertTrue(dom.contains("<h1>vhostcheck report</h1>"), dom);
        String verdicts = ReportCommandTest.table(dom, "verdicts");
        assertNotNull(verdicts, dom);
        assertEquals(1 + 7, ReportCommandTest.rows(verdicts));
        // the claim's markup arrived as text: no element was made from it
        assertTrue(verdicts.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"), verdicts);
        assertFalse(dom.contains("<script") || dom.contains("<b>") || dom.contains("<img"), "no element from input");
        assertEquals(1 + 4, ReportCommandTest.rows(ReportCommandTest.table(dom, "proofs")));
        assertEquals(1 + 1, ReportCommandTest.rows(ReportCommandTest.table(dom, "models")), "the check run here");
        assertEquals(1 + 80, ReportCommandTest.rows(ReportCommandTest.table(dom, "drift")));
        assertEquals(1 + 2, ReportCommandTest.rows(ReportCommandTest.table(dom, "mutants")), "the kernel mutants");
        assertEquals(1 + 3, ReportCommandTest.rows(ReportCommandTest.table(dom, "generated-survivors")), "the generated survivors");
        String coverage = ReportCommandTest.table(dom, "coverage");
        assertNotNull(coverage, dom);
        assertTrue(coverage.contains("<th>linux-6.12</th>") && ReportCommandTest.rows(coverage) > 10, coverage);

        // the counterexample of the check that ran here: step 2 (Update) adds maps, and changes nothing else
        String cx = ReportCommandTest.between(dom, "<table class=\"counterexample\" id=\"cx-check-Iotlb_NoLastCheck\"");
        assertNotNull(cx, dom);
        List<List<String>> cells = ReportCommandTest.cells(cx);
        assertEquals(List.of("maps"), ReportCommandTest.changed(cx, cells.get(0)).get(2), cx);
        assertEquals("Update", cells.get(2).get(1), cells.toString());
        assertTrue(cells.get(2).get(2).startsWith("[{\"addr\":"), cells.get(2).toString());
        assertTrue(dom.contains("class=\"val changed\""), "a highlighted cell");

        Files.deleteIfExists(SCREENSHOT);
        chromium(dir, "screenshot", "--screenshot=" + SCREENSHOT, "--window-size=1280,2000", index.toUri().toString());
        assertTrue(Files.isRegularFile(SCREENSHOT), "no screenshot at " + SCREENSHOT);
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(png, 8), "a PNG");
        // a blank page compresses to a few KB; tables of text do not
        assertTrue(png.length > 10 * 1024, "screenshot of " + png.length + " bytes: blank?");
    }

    /**
     * Runs headless chromium with a profile of its own in {@code dir}; returns its stdout. Killed (with
     * its children) after TIMEOUT_SECONDS; a non-zero exit fails with the end of its stderr.
     */
    private static String chromium(Path dir, String name, String... args) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(dir.resolve("chromium-" + name));
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path stdout = dir.resolve(name + ".out");
        Path stderr = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // its caches and crash reports go to the temporary folder too, not the user's home
        pb.environment().put("HOME", profile.toString());
        pb.environment().put("XDG_CONFIG_HOME", profile.resolve("config").toString());
        pb.environment().put("XDG_CACHE_HOME", profile.resolve("cache").toString());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium (" + name + ") did not finish in " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd)
                    + "\n" + tail(stderr));
        }
        assertEquals(0, p.exitValue(), "chromium (" + name + ") failed: " + String.join(" ", cmd) + "\n" + tail(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static String tail(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
