package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken spec or config is an error with one line naming the file, never a pass. */
class TlcRunnerErrorsTest {
    @TempDir
    Path dir;

    private TlcResult run(String tla, String cfg) throws Exception {
        Path m = dir.resolve("Bad.tla");
        Files.writeString(m, tla);
        Path c = dir.resolve("Bad.cfg");
        Files.writeString(c, cfg);
        TlcRunner tlc = new TlcRunner(Project.home(), 1, null);
        return tlc.interpret(tlc.run(m, c, List.of(), null, "bad"), m, c);
    }

    @Test
    void parseErrorIsOneLineNamingTheModule() throws Exception {
        TlcResult r = run("---- MODULE Bad ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 1 +\n====\n", "INIT Init\nNEXT Init\n");
        assertEquals("error", r.outcome());
        assertTrue(r.error().startsWith("Bad.tla: parse error:"), r.error());
        assertFalse(r.error().contains("\n"));
    }

    @Test
    void semanticErrorNamesTheUnknownSymbol() throws Exception {
        TlcResult r = run("---- MODULE Bad ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = NoSuchOp(1)\nNext == x' = x\n====\n", "INIT Init\nNEXT Next\n");
        assertEquals("error", r.outcome());
        assertTrue(r.error().startsWith("Bad.tla: semantic error: line 4"), r.error());
        assertTrue(r.error().contains("NoSuchOp"), r.error());
        assertFalse(r.error().contains("\n"));
    }

    @Test
    void configErrorIsAnError() throws Exception {
        TlcResult r = run("---- MODULE Bad ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 1\nNext == x' = x\n====\n", "INIT Init\nNEXT Next\nINVARIANT NoSuchInv\n");
        assertEquals("error", r.outcome());
        assertTrue(r.error().startsWith("Bad.tla: "), r.error());
        assertFalse(r.error().contains("\n"));
    }

    @Test
    void deadlockIsAViolation() throws Exception {
        TlcResult r = run("---- MODULE Bad ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 1\nNext == x < 2 /\\ x' = x + 1\n====\n", "INIT Init\nNEXT Next\n");
        assertEquals("violates:Deadlock", r.outcome());
        assertEquals(2, r.trace().size());
        assertEquals("Next", r.trace().get(1).action());
    }
}
