package org.vhostcheck.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.Project;

/** The kernel targets' builds: a version Debian does not have is unavailable with apt's reason, never a pass. */
class KernelsTest {
    @TempDir
    Path work;

    @Test
    void aVersionDebianDoesNotHaveIsUnavailableWithTheReason() {
        Kernels.Build b = Kernels.build(Project.home(), work, "linux-6.12", "9.9.9-not-in-debian");
        assertFalse(b.available());
        assertNull(b.version());
        assertTrue(b.unavailable().contains("9.9.9-not-in-debian"), b.unavailable());
    }

    @Test
    void unknownTargetIsRefused() {
        String m = assertThrows(KernelCrash.class, () -> Kernels.build(Project.home(), work, "linux-2.6", null)).getMessage();
        assertTrue(m.contains("unknown kernel target 'linux-2.6'"), m);
    }

    @Test
    void thePinnedVersionsAreTheOnesBuilt() throws java.io.IOException {
        java.util.Map<String, String> pinned = new java.util.HashMap<>();
        for (String l : java.nio.file.Files.readAllLines(Project.home().resolve("conformance/kernel/kernels.conf"))) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 4 && f[0].startsWith("linux-")) {
                pinned.put(f[0], f[2]);
            }
        }
        assertEquals(java.util.Set.copyOf(Kernels.TARGETS), pinned.keySet(), "kernels.conf pins every target");
        for (String t : Kernels.TARGETS) {
            Kernels.Build b = Kernels.build(t);
            if (!b.available() && Boolean.getBoolean("vhostcheck.kernel.skip")) {
                continue;
            }
            assertTrue(b.available(), t + ": " + b.unavailable());
            assertEquals(System.getProperty("vhostcheck.kernel.version." + t, pinned.get(t)), b.version(),
                    "kernels.conf pins these (override: -Dvhostcheck.kernel.version." + t + ")");
        }
    }
}
