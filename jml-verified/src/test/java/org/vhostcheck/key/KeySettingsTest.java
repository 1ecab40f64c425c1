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

    @Test
    void perMethodStrategyReplacesOnlyPinnedProperties() throws Exception {
        KeySettings s = KeySettings.load(FILE);
        KeySettings q = s.withStrategy(java.util.Map.of("QUERY_NEW_OPTIONS_KEY", "QUERY_OFF"), "a.T.m");
        assertEquals("QUERY_OFF", q.strategyProperties().getProperty("QUERY_NEW_OPTIONS_KEY"));
        assertEquals(s.strategyProperties().getProperty("SPLITTING_OPTIONS_KEY"),
                q.strategyProperties().getProperty("SPLITTING_OPTIONS_KEY"));
        KeyLoadException e = assertThrows(KeyLoadException.class,
                () -> s.withStrategy(java.util.Map.of("NO_SUCH_KEY", "X"), "a.T.m"));
        assertTrue(e.getMessage().startsWith("a.T.m: strategy property NO_SUCH_KEY is not one of the pinned"),
                e.getMessage());
    }
}
