package org.vhostcheck.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A source folder KeY cannot load is rejected with one line naming the file and KeY's complaint. */
class KeyLoadTest {

    private static KeyLoadException loadFails(Path dir, String source) throws Exception {
        Path pkg = Files.createDirectories(dir.resolve("p"));
        Files.writeString(pkg.resolve("Bad.java"), source);
        Path home = TestHome.get();
        KeySettings settings = KeySettings.load(KeySettings.defaultFile(home));
        return assertThrows(KeyLoadException.class,
                () -> KeyProver.prove(dir, KeyProver.keyHome(home), settings, line -> { }));
    }

    @Test
    void syntaxErrorNamesFileLineAndToken(@TempDir Path dir) throws Exception {
        String msg = loadFails(dir, "package p;\npublic class Bad {\n    int f( { return 0; }\n}\n").getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.startsWith(dir.resolve("p/Bad.java") + ":3:"), msg);
        assertTrue(msg.contains("Encountered \"{\""), msg);
    }

    @Test
    void javaOutsideKeYsSubsetNamesTheConstruct(@TempDir Path dir) throws Exception {
        String msg = loadFails(dir, "package p;\npublic class Bad {\n    java.util.List<String> xs;\n}\n").getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.startsWith(dir.resolve("p/Bad.java").toString()), msg);
        assertTrue(msg.contains("does not support the Java construct TypeArgumentDeclaration"), msg);
    }

    @Test
    void missingFolderIsOneLine(@TempDir Path dir) throws Exception {
        Path home = TestHome.get();
        KeyLoadException e = assertThrows(KeyLoadException.class, () -> KeyProver.prove(dir.resolve("nope"),
                KeyProver.keyHome(home), KeySettings.load(KeySettings.defaultFile(home)), line -> { }));
        assertTrue(e.getMessage().endsWith("nope: no such source folder"), e.getMessage());
    }
}
