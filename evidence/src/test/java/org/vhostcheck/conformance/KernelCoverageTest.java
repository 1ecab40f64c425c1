package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.mutate.GeneratedMutants;
import org.vhostcheck.conformance.mutate.Mutation;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;

/**
 * The coverage build of linux-6.12 (gcc --coverage beside the sanitizers) and gcov's counts of one suite: the IOTLB
 * edge model reaches the wrap check of vhost_iotlb_add_range_ctx and never its allocation failure; our line loop is
 * counted apart from the kernel's code; a second run of the same traces is read back from target/coverage/.
 */
class KernelCoverageTest {
    private static final Path HOME = Project.home();
    private static final String TARGET = "linux-6.12";
    private static final String IOTLB = "drivers/vhost/iotlb.c";

    @Test
    void theIotlbEdgeSuiteRunsTheWrapCheckAndNotTheAllocationFailure() throws IOException {
        requireKernel();
        Manifest m = Manifest.load(HOME);
        List<Path> traces = Conformance.kernelTraces(m.select(List.of("Iotlb_Edges"), false).get(0), TraceFixture.traces("Iotlb_Edges"));
        Coverage.Reached r = Coverage.replay(HOME, TARGET, traces, null);

        List<String> src = Files.readAllLines(Kernels.workDir(HOME).resolve(TARGET).resolve("src").resolve(IOTLB));
        int wrap = lineOf(src, "if (last < start)");
        int nomem = lineOf(src, "return -ENOMEM;");
        assertEquals(Boolean.TRUE, r.ran(IOTLB, wrap), "the wrap check runs on every add");
        assertEquals(Boolean.FALSE, r.ran(IOTLB, nomem), "kmalloc never fails in the harness");
        SortedMap<Integer, Coverage.Line> lines = r.kernel().get(IOTLB);
        assertEquals("vhost_iotlb_add_range_ctx", lines.get(wrap).function());
        // the extracted functions of vhost.c keep their file and line (#line): translate_desc is not in this part
        assertTrue(r.kernel().containsKey("drivers/vhost/vhost.c"), r.kernel().keySet().toString());
        // only kernel files count; the line loop and the tools/ rbtree copy are ours
        assertTrue(r.kernel().keySet().stream().allMatch(f -> f.startsWith("drivers/") || f.startsWith("include/")
                || f.startsWith("arch/")), r.kernel().keySet().toString());
        assertTrue(r.harness().keySet().stream().anyMatch(f -> f.endsWith("conformance/kernel/common/harness.c")),
                r.harness().keySet().toString());
        assertFalse(r.kernel().keySet().stream().anyMatch(f -> f.contains("rbtree")));

        // kept by the traces' bytes and the build's inputs: read back, the same counts
        Coverage.Reached first = Coverage.cached(HOME, TARGET, "Iotlb_Edges", traces, null);
        Path kept = HOME.resolve("target/coverage").resolve(TARGET).resolve("Iotlb_Edges.json");
        long at = Files.getLastModifiedTime(kept).toMillis();
        assertEquals(r, first);
        assertEquals(first, Coverage.cached(HOME, TARGET, "Iotlb_Edges", traces, null));
        assertEquals(at, Files.getLastModifiedTime(kept).toMillis(), "a second run reads the kept counts");
    }

    /** The target's harness, or the reason it is missing: a failure, or a skip when asked for. */
    private static void requireKernel() {
        Kernels.Build b = Kernels.build(HOME, TARGET);
        if (!b.available()) {
            String why = TARGET + " unavailable: " + b.unavailable();
            Assumptions.assumeFalse(Boolean.getBoolean("vhostcheck.kernel.skip"), why + " (vhostcheck.kernel.skip=true)");
            org.junit.jupiter.api.Assertions.fail(why + " (set -Dvhostcheck.kernel.skip=true to skip the kernel suites)");
        }
    }

    private static int lineOf(List<String> src, String text) {
        // the first occurrence after the definition of vhost_iotlb_add_range_ctx
        int from = -1;
        for (int i = 0; i < src.size(); i++) {
            if (src.get(i).startsWith("int vhost_iotlb_add_range_ctx(")) {
                from = i;
            }
            if (from >= 0 && src.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not found in vhost_iotlb_add_range_ctx");
    }

    @Test
    void aGeneratedMutantNoSuiteReachesIsBuiltButNotReplayed() throws IOException {
        requireKernel();
        List<String> src = Files.readAllLines(Kernels.workDir(HOME).resolve(TARGET).resolve("src").resolve(IOTLB));
        String nomem = "vhost_iotlb_add_range_ctx:" + lineOf(src, "return -ENOMEM;") + ":no(return-ENOMEM)";
        String wrap = "vhost_iotlb_add_range_ctx:" + lineOf(src, "if (last < start)") + ":<to<=";
        List<GeneratedMutants.Mutant> ms = GeneratedMutants.generate(HOME, TARGET).stream()
                .filter(m -> m.id().equals(nomem) || m.id().equals(wrap)).toList();
        assertEquals(2, ms.size(), ms.toString());
        Mutation mutation = new Mutation(HOME, null, List.of("Iotlb_Edges")).byCoverage(true);
        for (GeneratedMutants.Mutant m : ms) {
            Mutation.Result r = mutation.run(m, null);
            assertFalse(r.stillborn(), r.toString());
            if (m.id().equals(nomem)) {
                // kmalloc never fails: no run of the suite reaches the line, so nothing is replayed
                assertFalse(r.killed());
                assertTrue(r.reason().startsWith("survived: no suite of today's linux-6.12 models reaches drivers/vhost/iotlb.c:"),
                        r.reason());
                assertTrue(Mutation.notReached(r));
            } else {
                // the wrap check runs on every add: the suite is replayed through the mutant
                assertFalse(r.reason() != null && r.reason().contains("reaches"), String.valueOf(r.reason()));
                assertFalse(Mutation.notReached(r));
            }
        }
    }
}
