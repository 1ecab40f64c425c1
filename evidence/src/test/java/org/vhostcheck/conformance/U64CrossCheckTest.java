package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vhostcheck.model.Project;

/** spec/U64.tla (via TLC) against Java's unsigned arithmetic and the proven Java class. */
class U64CrossCheckTest {
    private static final Path HOME = Project.home();

    @Test
    void everyOperatorOnEveryBoundaryPairAgrees() {
        U64CrossCheck.Result r = U64CrossCheck.run(HOME, HOME.resolve("spec"), JavaU64.PROVEN, null);
        System.out.printf("U64 cross-check: %d rows, %d operand pairs, %d mismatches, %.1f s%n",
                r.rows(), r.pairs(), r.mismatches(), r.seconds());
        assertEquals(0, r.mismatches(), String.join("\n", r.firstMismatches()));
        int n = U64CrossCheck.BOUNDARY.length;
        assertEquals((long) n * n + 8 * 8, r.pairs(), "every u64 pair and every u16 pair");
        assertTrue(r.operators().containsAll(java.util.List.of("Add", "AddOverflows", "Sub", "Lt", "PageOf", "U16Sub")));
    }

    @Test
    void aBrokenJavaTwinIsCaught() {
        assertTrue(U64CrossCheck.run(HOME, HOME.resolve("spec"), JavaU64.NO_CARRY, null).mismatches() > 0);
        assertTrue(U64CrossCheck.run(HOME, HOME.resolve("spec"), JavaU64.SIGNED_LT, null).mismatches() > 0);
    }

    /** Each mutation of U64.tla must be seen by the cross-check. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3 == a[3] + b[3] + s4 \\div Base|s3 == a[3] + b[3]",                 // carry dropped between limbs
        "\\E i \\in 1..4 : a[i] < b[i]|\\E i \\in 1..4 : a[i] <= b[i]",           // comparison not strict
        "a[2] \\div p + (a[1] % p) * q|a[2] \\div p + (a[1] % p)",              // shift loses the moved bits
        "PageOffset(a) == Mk(0, 0, 0, a[4] % 4096)|PageOffset(a) == Mk(0, 0, 0, a[4] % 4095)",
        "U16Sub(a, b) == (a + 65536 - b) % 65536|U16Sub(a, b) == (a - b) % 65535",
    })
    void aMutatedSpecIsCaught(String from, String to, @TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("spec");
        Files.createDirectories(spec);
        try (Stream<Path> s = Files.list(HOME.resolve("spec"))) {
            for (Path p : s.toList()) {
                Files.copy(p, spec.resolve(p.getFileName()));
            }
        }
        Path u64 = spec.resolve("U64.tla");
        String text = Files.readString(u64);
        assertTrue(text.contains(from), "mutation point not found: " + from);
        Files.writeString(u64, text.replace(from, to));
        U64CrossCheck.Result r = U64CrossCheck.run(HOME, spec, JavaU64.PROVEN, null);
        assertTrue(r.mismatches() > 0, "mutation not detected: " + to);
    }

    @Test
    void anOperatorLeftOutOfTheTableIsReported(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("spec");
        Files.createDirectories(spec);
        for (String f : new String[] {"U64.tla", "U64Table.tla", "U64Table.cfg"}) {
            Files.copy(HOME.resolve("spec").resolve(f), spec.resolve(f));
        }
        Path u64 = spec.resolve("U64.tla");
        Files.writeString(u64, Files.readString(u64).replace("IsU32(a) ==", "Twice(a) == Add(a, a)\nIsU32(a) =="));
        U64CrossCheck.Result r = U64CrossCheck.run(HOME, spec, JavaU64.PROVEN, null);
        assertEquals(1, r.mismatches());
        assertTrue(r.firstMismatches().get(0).contains("operator Twice of U64.tla is not cross-checked"));
    }
}
