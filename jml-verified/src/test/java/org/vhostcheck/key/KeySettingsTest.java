package org.vhostcheck.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pinned settings file is complete, and cannot silently fall back to overflow-ignoring arithmetic. */
class KeySettingsTest {

    private static final Path FILE = KeySettings.defaultFile(TestHome.get());

    @Test
    void projectSettingsPinJavaSemantics() throws Exception {
        KeySettings s = KeySettings.load(FILE);
        assertEquals("intRules:javaSemantics", s.choices().get("intRules"));
        assertEquals("SPLITTING_NORMAL", s.strategyProperties().getProperty("SPLITTING_OPTIONS_KEY"));
        assertEquals("STOPMODE_NONCLOSE", s.strategyProperties().getProperty("STOPMODE_OPTIONS_KEY"));
    }

    @Test
    void otherIntRulesAreRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("k.properties");
        Files.writeString(f, Files.readString(FILE).replace("intRules:javaSemantics", "intRules:arithmeticSemanticsIgnoringOF"));
        KeyLoadException e = assertThrows(KeyLoadException.class, () -> KeySettings.load(f));
        assertTrue(e.getMessage().contains("choice.intRules must be intRules:javaSemantics"), e.getMessage());
    }

    @Test
    void unpinnedStrategyPropertyIsRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("k.properties");
        Files.writeString(f, Files.readString(FILE).replaceAll("(?m)^strategy\\.prop\\.DEP_OPTIONS_KEY.*$", ""));
        KeyLoadException e = assertThrows(KeyLoadException.class, () -> KeySettings.load(f));
        assertTrue(e.getMessage().contains("DEP_OPTIONS_KEY is not pinned"), e.getMessage());
    }
}
