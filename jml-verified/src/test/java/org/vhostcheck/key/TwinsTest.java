package org.vhostcheck.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwinsTest {

    private static Path source(Path dir, String... body) throws IOException {
        Path f = dir.resolve("src/p/Box.java");
        Files.createDirectories(f.getParent());
        Files.write(f, List.of(body));
        return dir.resolve("src");
    }

    @Test
    void aTwinIsTheOriginalWithItsMarkedLinesDeletedAndTheClassRenamed(@TempDir Path tmp) throws Exception {
        Path src = source(tmp, "package p;", "public final class Box {", "  public Box() { }", "  int f(int x) {",
                "    //+ BoxNoCheck.f[1]: the check removed", "    if (x < 0) return 0;", "    //- BoxNoCheck",
                "    //+ BoxNoOther.g[0]: another one", "    x++;", "    //- BoxNoOther", "    return x;", "  }", "}");
        Map<String, Twins.Twin> twins = Twins.generate(src, tmp.resolve("out"));
        assertEquals(List.of("p.BoxNoCheck", "p.BoxNoOther"), List.copyOf(twins.keySet()));
        Twins.Twin t = twins.get("p.BoxNoCheck");
        assertEquals("f", t.method());
        assertEquals(1, t.contractCase());
        assertEquals("the check removed", t.why());
        String text = Files.readString(tmp.resolve("out/p/BoxNoCheck.java"));
        assertTrue(text.contains("public final class BoxNoCheck {") && text.contains("public BoxNoCheck() { }"), text);
        assertFalse(text.contains("x < 0") || text.contains("//+ BoxNoCheck"), text);
        assertTrue(text.contains("x++;") && text.contains("//+ BoxNoOther"), text);
        assertEquals(Files.readString(src.resolve("p/Box.java")), Files.readString(tmp.resolve("out/p/Box.java")));
        assertFalse(Files.readString(tmp.resolve("out/p/BoxNoOther.java")).contains("x++;"));
    }

    @Test
    void regeneratingRemovesWhatAnEarlierRunWrote(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("p"));
        Files.writeString(out.resolve("p/Stale.java"), "class Stale { }");
        Twins.generate(source(tmp, "package p;", "class Box { }"), out);
        assertFalse(Files.exists(out.resolve("p/Stale.java")));
        assertTrue(Files.exists(out.resolve("p/Box.java")));
    }

    @Test
    void badMarkersAreOneLineWithFileAndLine(@TempDir Path tmp) throws Exception {
        String[][] cases = {
                {"//+ BoxA.f[0]: x", "int y;", "//- BoxB", "class Box { }", "3: //- BoxB closes no open twin"},
                {"//+ BoxA.f[0]: x", "int y;", "int z;", "class Box { }", "1: twin BoxA has no closing"},
                {"//+ BoxA.f: x", "int y;", "//- BoxA", "class Box { }", "1: a twin marker is"},
                {"//+ BoxA.f[0]: x", "//- BoxA", "int z;", "class Box { }", "1: twin BoxA deletes nothing"},
        };
        for (String[] c : cases) {
            Path dir = Files.createTempDirectory(tmp, "c");
            Path src = source(dir, "package p;", c[0], c[1], c[2], c[3]);
            KeyLoadException x = assertThrows(KeyLoadException.class, () -> Twins.generate(src, dir.resolve("out")));
            String want = src.resolve("p/Box.java") + ":" + (Integer.parseInt(c[4].substring(0, 1)) + 1) + c[4].substring(1);
            assertTrue(x.getMessage().startsWith(want), x.getMessage() + " / want " + want);
            assertFalse(x.getMessage().contains("\n"));
        }
    }
}
