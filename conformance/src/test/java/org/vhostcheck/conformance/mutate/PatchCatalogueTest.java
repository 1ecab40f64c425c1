package org.vhostcheck.conformance.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;
import org.vhostcheck.model.VhostcheckException;

/**
 * claims/patches/patches.json: every patch of claims/patches/ is in an entry, the four findings' fixes and the reverts
 * of the refuted CVE fixes are there, and a bad entry is one line naming it. (Running the entries is
 * {@code vhostcheck review --patches}: a sample in cli's ReviewPatchTest, all of them in {@code vhostcheck all}.)
 */
class PatchCatalogueTest {
    private static final Path HOME = Project.home();
    private static final Manifest MANIFEST = Manifest.load(HOME);

    @Test
    void everyPatchFileIsInAnEntryAndEveryFixAndRevertIsThere() throws IOException {
        PatchCatalogue c = PatchCatalogue.load(HOME, PatchCatalogue.defaultFile(HOME), MANIFEST);
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(PatchCatalogue.defaultFile(HOME).getParent())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".patch")).forEach(files::add);
        }
        Set<String> named = new TreeSet<>();
        c.all().forEach(e -> named.addAll(e.patches()));
        assertEquals(files, named, "patch files without an entry, or entries naming no file");
        Set<String> claims = new TreeSet<>();
        c.all().forEach(e -> claims.addAll(e.claims()));
        assertTrue(claims.containsAll(List.of("F001", "F002", "F004", "F005", "CVE-2019-14835", "CVE-2022-48862",
                "CVE-2025-40051", "CVE-2025-40056", "CVE-2013-0311", "SEED002")), claims.toString());
        // every fix on every target it is for
        for (String id : List.of("F001@linux-6.1", "F001@linux-6.12", "F002@linux-6.1", "F002@linux-6.12", "F004@linux-6.12",
                "F005@linux-6.1", "F005@linux-6.12")) {
            assertTrue(c.all().stream().anyMatch(e -> e.id().equals(id)), id);
        }
    }

    @Test
    void aBadEntryIsOneLineNamingIt(@TempDir Path dir) throws IOException {
        String all = Files.readString(PatchCatalogue.defaultFile(HOME));
        Path f = dir.resolve("patches.json");
        for (Path p : Files.list(PatchCatalogue.defaultFile(HOME).getParent()).toList()) {
            if (p.toString().endsWith(".patch")) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        String[][] cases = {
            {"\"F001-log-access-ok-range.patch\"", "\"F001-nope.patch\"", "entry F001@linux-6.12: no patch file 'F001-nope.patch'"},
            {"\"claims\": [\"F004\"]", "\"claims\": [\"F999\"]", "entry F004@linux-6.12: no claim 'F999' in claims/"},
            {"\"equals\": \"VirtQueue_Vringh_Fix\"", "\"equals\": \"NoSuchModel\"", "entry F004@linux-6.12: equals: no model 'NoSuchModel'"},
            {"\"firstAction\": \"U16Access\", \"equals\": \"VirtQueue_Vringh_Fix\"", "\"equals\": \"VirtQueue_Vringh_Fix\"",
                "entry F004@linux-6.12: 'changes' and 'firstAction' go together"},
            {"\"target\": \"linux-6.12\", \"claims\": [\"F004\"]", "\"target\": \"linux-9\", \"claims\": [\"F004\"]",
                "entry F004@linux-6.12: target must be one of"},
            {"\"firstAction\": \"U16Access\", \"equals\"", "\"firstAction\": \"U16Access\", \"alsoChanges\": [\"VirtQueue_Vringh_Fix\"], \"equals\"",
                "entry F004@linux-6.12: alsoChanges: 'VirtQueue_Vringh_Fix' is not a model of today's linux-6.12"},
            {"\"firstAction\": \"U16Access\", \"equals\"", "\"firstAction\": \"U16Access\", \"alsoChanges\": [\"VirtQueue_Vringh_61\"], \"equals\"",
                "entry F004@linux-6.12: alsoChanges: 'VirtQueue_Vringh_61' is not a model of today's linux-6.12"},
        };
        for (String[] k : cases) {
            assertTrue(all.contains(k[0]), k[0]);
            Files.writeString(f, all.replaceFirst(java.util.regex.Pattern.quote(k[0]), java.util.regex.Matcher.quoteReplacement(k[1])));
            VhostcheckException e = assertThrows(VhostcheckException.class, () -> PatchCatalogue.load(HOME, f, MANIFEST));
            assertTrue(e.getMessage().contains(k[2]) && !e.getMessage().contains("\n"), e.getMessage());
        }
        Files.writeString(f, "{\"entries\": [}");
        VhostcheckException e = assertThrows(VhostcheckException.class, () -> PatchCatalogue.load(HOME, f, MANIFEST));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
