package org.vhostcheck.conformance.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;
import org.vhostcheck.model.VhostcheckException;

/** conformance/kernel/guard-mutants.json: every (guard, kernel) of spec/guards.json has its kernel-side mutant. */
class GuardMutantsTest {
    private static final Path HOME = Project.home();
    private static final Guards GUARDS = Guards.load(Manifest.load(HOME));

    @Test
    void everyGuardInAKernelHasItsMutationOnThatKernel() {
        GuardMutants c = GuardMutants.load(GuardMutants.defaultFile(HOME), GUARDS).requireEveryGuard(GUARDS);
        long pairs = GUARDS.all().stream().mapToLong(g -> g.inKernel().size()).sum();
        long covered = GUARDS.all().stream().mapToLong(g -> g.inKernel().stream()
                .filter(t -> c.all().stream().anyMatch(m -> m.guard().equals(g.name()) && m.targets().contains(t))).count()).sum();
        assertEquals(pairs, covered);
        assertTrue(pairs >= 53, "guard x kernel pairs: " + pairs);
        // the U64 idioms are mutated at each kernel use, one mutant a place
        assertTrue(c.ofGuard("CarryChecked").size() >= 2);
        assertTrue(c.ofGuard("UnsignedLt").size() >= 2);
        assertEquals(List.of("linux-6.1"), c.ofGuard("PutU16Access").get(0).targets());
    }

    @Test
    void aCatalogueWithoutAGuardIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        String all = Files.readString(GuardMutants.defaultFile(HOME));
        Path f = dir.resolve("m.json");
        // keep only the mutants of LastChecked
        Files.writeString(f, "{\"mutants\": [" + all.lines().filter(l -> l.contains("\"guard\": \"LastChecked\""))
                .map(l -> l.replaceAll(",\\s*$", "")).reduce((a, b) -> a + "," + b).orElseThrow() + "]}");
        GuardMutants part = GuardMutants.load(f, GUARDS);
        VhostcheckException e = assertThrows(VhostcheckException.class, () -> part.requireEveryGuard(GUARDS));
        assertTrue(e.getMessage().contains("no mutant for guard CarryChecked on linux-6.1"), e.getMessage());
        assertTrue(e.getMessage().contains("PutU16Access on linux-6.1"), e.getMessage());

        Files.writeString(f, all.replace("\"kernels\": [\"linux-6.1\"], \"file\": \"drivers/vhost/vringh.c\", \"function\": \"putu16_iotlb\"",
                "\"kernels\": [\"linux-6.12\"], \"file\": \"drivers/vhost/vringh.c\", \"function\": \"putu16_iotlb\""));
        e = assertThrows(VhostcheckException.class, () -> GuardMutants.load(f, GUARDS));
        assertTrue(e.getMessage().contains("kernel 'linux-6.12' is not one guard PutU16Access is in"), e.getMessage());
    }
}
