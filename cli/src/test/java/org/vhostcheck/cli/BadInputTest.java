package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per class of malformed input (DESIGN.md, Interfaces): the exact one-line message, exit
 * code 2, and every file that was there before (inputs and earlier outputs) byte-identical after,
 * with nothing added beside them.
 */
class BadInputTest {
    /** A U64Reg graph trace: header, Init, and Load/AddReg edges (the trace fuzz target's seed). */
    private static final Path TRACE = Cli.HOME.resolve(
            "fuzz/src/test/resources/org/vhostcheck/fuzz/FuzzTargetsTestInputs/trace/seed-U64Reg.graph");

    /** Every file under dir (target/ folders excepted: TLC's scratch space) with its bytes. */
    private static Map<Path, byte[]> snapshot(Path dir) {
        Map<Path, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).toString().contains("target")).toList()) {
                m.put(dir.relativize(p), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private static void assertUnchanged(Map<Path, byte[]> before, Path dir) {
        Map<Path, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), "no file added or removed");
        before.forEach((p, b) -> assertArrayEquals(b, after.get(p), p + " unchanged"));
    }

    /** Runs the command; asserts exit 2, the exact line, and nothing under dir changed. */
    private static void assertBadInput(Path dir, String expected, String... args) {
        assertEquals("vhostcheck: " + expected, badInputLine(dir, args));
    }

    /** The one error line of a bad-input run that left {@code dir} as it was. */
    private static String badInputLine(Path dir, String... args) {
        Map<Path, byte[]> before = snapshot(dir);
        String line = Cli.run(args).assertBadInput();
        assertUnchanged(before, dir);
        return line;
    }

    /** The seed trace with line {@code n} (1-based) passed through {@code edit}, plus an earlier export beside it. */
    private static Path trace(Path dir, int n, java.util.function.UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(TRACE));
        lines.set(n - 1, edit.apply(lines.get(n - 1)));
        Files.writeString(dir.resolve("earlier-export.ndjson"), Files.readString(TRACE));
        return Files.write(dir.resolve("bad.ndjson"), lines);
    }

    @Test
    void truncatedNdjsonLine(@TempDir Path dir) throws IOException {
        Path f = trace(dir, 3, l -> l.substring(0, l.indexOf(",\"params\"")));
        assertBadInput(dir, f + ":3: not valid JSON: the text ends inside an object (truncated?) (line 1, column 62)",
                "conform", "--trace", f.toString());
    }

    @Test
    void wrongActionName(@TempDir Path dir) throws IOException {
        Path f = trace(dir, 3, l -> l.replace("\"action\":\"Load\"", "\"action\":\"Lode\""));
        assertBadInput(dir, f + ":3: action 'Lode' is not an action of U64Reg", "conform", "--trace", f.toString());
    }

    @Test
    void u64WithoutHexPrefix(@TempDir Path dir) throws IOException {
        Path f = trace(dir, 3, l -> l.replace("\"v\":\"0x0\"", "\"v\":\"12\""));
        assertBadInput(dir, f + ":3: params.v: '12' is not a u64 (\"0x\" and 1 to 16 hex digits)",
                "conform", "--trace", f.toString());
    }

    @Test
    void u64WithSeventeenDigits(@TempDir Path dir) throws IOException {
        Path f = trace(dir, 3, l -> l.replace("\"v\":\"0x0\"", "\"v\":\"0x10000000000000000\""));
        assertBadInput(dir, f + ":3: params.v: '0x10000000000000000' is not a u64 (\"0x\" and 1 to 16 hex digits)",
                "conform", "--trace", f.toString());
    }

    private static Path claimsHome(Path dir, String from, String to) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Path claims = Files.createDirectories(home.resolve("claims"));
        Path f = claims.resolve("F001-log-access-ok-one-byte-short.json");
        Files.copy(Cli.HOME.resolve("claims").resolve(f.getFileName().toString()), f);
        Cli.replace(f, from, to);
        return f;
    }

    @Test
    void unknownClaimField(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"finding\",\n  \"severity\": \"low\",");
        assertBadInput(dir, f + ": unknown field 'severity' (known: assumesFixed, brokenModel, claim, example,"
                + " expectedVerdict, fixedModel, guard, id, impact, invariant, kernelCode, kind, model, notModelled, proof,"
                + " proofs, proposedFix, reproduce, source, title, versions, withdrawn)",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void withdrawnClaimWithoutItsNote(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"withdrawn\",");
        assertBadInput(dir, f + ": kind 'withdrawn' needs a field 'withdrawn' (what showed the claim wrong)",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void withdrawnNoteOnAFinding(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"finding\",\n  \"withdrawn\": \"no\",");
        assertBadInput(dir, f + ": field 'withdrawn' belongs to a claim of kind 'withdrawn', not 'finding'",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void withdrawnClaimStillConfirmed(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"withdrawn\",\n  \"withdrawn\": \"the kernel replay\",");
        assertBadInput(dir, f + ": a withdrawn claim cannot expect CONFIRMED",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void notModelledClaimNamingAModel(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"cve\",\n  \"notModelled\": \"vhost-net RX\",");
        assertBadInput(dir, f + ": field 'model' contradicts 'notModelled' (a claim no model expresses names no model)",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void notModelledVerdictWithoutItsReason(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"expectedVerdict\": \"CONFIRMED\"", "\"expectedVerdict\": \"NOT MODELLED\"");
        assertBadInput(dir, f + ": expectedVerdict NOT MODELLED needs a field 'notModelled' (why no model expresses it)",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void claimAssumingAnUnknownFix(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"finding\",\n  \"assumesFixed\": [\"F999\"],");
        assertBadInput(dir, f + ": field 'assumesFixed': 'F999' is not another claim's id",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void claimOfAnUnknownGuard(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"kind\": \"finding\",", "\"kind\": \"finding\",\n  \"guard\": \"NoSuchGuard\",");
        String line = badInputLine(dir, "claims", "--home", dir.resolve("home").toString());
        assertTrue(line.startsWith("vhostcheck: " + f + ": field 'guard': no guard named 'NoSuchGuard' in guards.json (known: "), line);
    }

    @Test
    void guardPairDifferingInTwoSwitches(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Cli.replace(home.resolve("spec/guards.json"), "{\"with\": \"Iotlb\", \"without\": \"Iotlb_NoLastCheck\"",
                "{\"with\": \"Iotlb\", \"without\": \"Iotlb_NoPermCheck\"");
        String line = badInputLine(dir, "review", "--home", home.toString(), "--guard", "LastChecked");
        assertTrue(line.endsWith("guard LastChecked: MCIotlb.cfg and MCIotlb_NoPermCheck.cfg must differ in LastChecked alone,"
                + " they differ in [PermChecked]"), line);
    }

    @Test
    void unknownGuard(@TempDir Path dir) throws IOException {
        String line = badInputLine(dir, "review", "--guard", "NoSuchGuard");
        assertTrue(line.startsWith("vhostcheck: no guard named 'NoSuchGuard' in guards.json (known: CarryChecked, "), line);
    }

    @Test
    void claimOfAMissingModel(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"model\": \"DirtyLog\",", "\"model\": \"DirtyLog_Gone\",");
        assertBadInput(dir, f + ": model 'DirtyLog_Gone' is not in manifest.json",
                "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void claimWithoutAModel(@TempDir Path dir) throws IOException {
        Path f = claimsHome(dir, "\"model\": \"DirtyLog\",", "");
        assertBadInput(dir, f + ": missing field 'model'", "claims", "--home", dir.resolve("home").toString());
    }

    @Test
    void tlcParseError(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Files.writeString(home.resolve("spec/MCU64Reg.tla"), "---- MODULE MCU64Reg ----\nBroken == (1 +\n====\n");
        Path out = Files.createDirectories(dir.resolve("out")).resolve("u64reg.ndjson");
        Files.writeString(out, "an earlier export\n");
        assertBadInput(dir, "export of U64Reg: TLC says error (MCU64Reg.tla: parse error: Encountered \"====\" at line 3,"
                        + " column 1 and token \"+\"); only a model that holds is exported",
                "export", "--home", home.toString(), "U64Reg", "--graph", "-o", out.toString());
    }

    @Test
    void keyLoadError(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Path jml = Files.createDirectories(home.resolve("jml-verified/src/main/jml/org/vhostcheck/ref"));
        Files.copy(Cli.HOME.resolve("jml-verified/proofs.json"), home.resolve("jml-verified/proofs.json"));
        Files.copy(Cli.HOME.resolve("jml-verified/key-settings.properties"), home.resolve("jml-verified/key-settings.properties"));
        Path bad = Files.writeString(jml.resolve("U64.java"),
                "package org.vhostcheck.ref;\npublic final class U64 {\n    static long add(long a, { return a; }\n}\n");
        assertBadInput(dir, bad + ":3:29: KeY cannot load it: Encountered \"{\" at line 3, column 29.",
                "prove", "--home", home.toString());
    }
}
