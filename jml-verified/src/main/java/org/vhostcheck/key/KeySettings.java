package org.vhostcheck.key;

import de.uka.ilkd.key.strategy.StrategyProperties;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pinned KeY settings, read from {@code jml-verified/key-settings.properties}.
 * Every strategy property KeY knows must be listed; taclet options are checked against the
 * categories KeY activates once the sources are loaded (see {@link KeyProver}).
 */
public final class KeySettings {

    /** The one integer semantics we accept: modular Java arithmetic. */
    public static final String REQUIRED_INT_RULES = "intRules:javaSemantics";

    private static final String CHOICE = "choice.";
    private static final String PROP = "strategy.prop.";

    private final Path file;
    private final Map<String, String> choices;
    private final Map<String, String> strategyProperties;
    private final String strategyName;
    private final int maxSteps;
    private final long timeoutMillis;

    private KeySettings(Path file, Map<String, String> choices, Map<String, String> strategyProperties,
                        String strategyName, int maxSteps, long timeoutMillis) {
        this.file = file;
        this.choices = Map.copyOf(choices);
        this.strategyProperties = Map.copyOf(strategyProperties);
        this.strategyName = strategyName;
        this.maxSteps = maxSteps;
        this.timeoutMillis = timeoutMillis;
    }

    /** The settings file of a project checkout. */
    public static Path defaultFile(Path home) {
        return home.resolve("jml-verified").resolve("key-settings.properties");
    }

    public static KeySettings load(Path file) throws KeyLoadException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new KeyLoadException(file + ": cannot read KeY settings: " + e.getMessage());
        }
        Map<String, String> choices = new TreeMap<>();
        Map<String, String> props = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            if (key.startsWith(CHOICE)) {
                String category = key.substring(CHOICE.length());
                if (!value.startsWith(category + ":")) {
                    throw new KeyLoadException(file + ": " + key + " = " + value
                            + " is not an option of category " + category);
                }
                choices.put(category, value);
            } else if (key.startsWith(PROP)) {
                props.put(key.substring(PROP.length()), value);
            } else if (!Set.of("strategy.name", "strategy.maxSteps", "strategy.timeoutMillis").contains(key)) {
                throw new KeyLoadException(file + ": unknown setting " + key);
            }
        }
        if (!REQUIRED_INT_RULES.equals(choices.get("intRules"))) {
            throw new KeyLoadException(file + ": choice.intRules must be " + REQUIRED_INT_RULES
                    + ", found " + choices.get("intRules"));
        }
        Set<String> known = new StrategyProperties().stringPropertyNames();
        for (String key : known) {
            if (!props.containsKey(key)) {
                throw new KeyLoadException(file + ": strategy property " + PROP + key + " is not pinned");
            }
        }
        for (String key : props.keySet()) {
            if (!known.contains(key)) {
                throw new KeyLoadException(file + ": KeY has no strategy property " + key);
            }
        }
        return new KeySettings(file, choices, props, required(p, file, "strategy.name"),
                (int) number(p, file, "strategy.maxSteps"), number(p, file, "strategy.timeoutMillis"));
    }

    private static String required(Properties p, Path file, String key) throws KeyLoadException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new KeyLoadException(file + ": missing " + key);
        }
        return v.trim();
    }

    private static long number(Properties p, Path file, String key) throws KeyLoadException {
        String v = required(p, file, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new KeyLoadException(file + ": " + key + " = " + v + " is not a number");
        }
    }

    /** The same settings with another step limit (for deeper runs from the CLI). */
    public KeySettings withMaxSteps(int steps) {
        return new KeySettings(file, choices, strategyProperties, strategyName, steps, timeoutMillis);
    }

    /**
     * The same settings with some strategy properties replaced (proofs.json's per-method
     * {@code strategy}); a property that is not pinned in the settings file is refused.
     */
    public KeySettings withStrategy(Map<String, String> overrides, String where) throws KeyLoadException {
        Map<String, String> props = new TreeMap<>(strategyProperties);
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!props.containsKey(o.getKey())) {
                throw new KeyLoadException(where + ": strategy property " + o.getKey() + " is not one of the pinned "
                        + props.keySet() + " of " + file);
            }
            props.put(o.getKey(), o.getValue());
        }
        return new KeySettings(file, choices, props, strategyName, maxSteps, timeoutMillis);
    }

    public Path file() {
        return file;
    }

    /** category -> "category:option", e.g. intRules -> intRules:javaSemantics. */
    public Map<String, String> choices() {
        return choices;
    }

    public StrategyProperties strategyProperties() {
        StrategyProperties sp = new StrategyProperties();
        strategyProperties.forEach(sp::setProperty);
        return sp;
    }

    public String strategyName() {
        return strategyName;
    }

    public int maxSteps() {
        return maxSteps;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }
}
