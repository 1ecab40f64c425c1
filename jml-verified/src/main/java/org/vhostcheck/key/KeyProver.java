package org.vhostcheck.key;

import de.uka.ilkd.key.control.KeYEnvironment;
import de.uka.ilkd.key.java.abstraction.KeYJavaType;
import de.uka.ilkd.key.logic.Choice;
import de.uka.ilkd.key.logic.op.IObserverFunction;
import de.uka.ilkd.key.parser.Location;
import de.uka.ilkd.key.proof.Proof;
import de.uka.ilkd.key.proof.init.ProofInputException;
import de.uka.ilkd.key.settings.PathConfig;
import de.uka.ilkd.key.settings.ProofSettings;
import de.uka.ilkd.key.settings.StrategySettings;
import de.uka.ilkd.key.speclang.Contract;
import de.uka.ilkd.key.strategy.StrategyFactory;
import de.uka.ilkd.key.strategy.StrategyProperties;
import de.uka.ilkd.key.util.ExceptionTools;
import de.uka.ilkd.key.util.KeYTypeUtil;
import org.key_project.logic.Name;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves every JML contract of the proven sources with KeY, under the pinned settings of
 * {@code jml-verified/key-settings.properties}. KeY's configuration directory is redirected to
 * {@code jml-verified/target/keyhome}: ~/.key is never read or written.
 */
public final class KeyProver {

    private KeyProver() {
    }

    /** {@code <home>/jml-verified/src/main/jml}: the folder KeY loads. */
    public static Path sourceDir(Path home) {
        return home.resolve("jml-verified").resolve("src").resolve("main").resolve("jml");
    }

    /**
     * {@code <home>/jml-verified/target/keyhome/jvm-<pid>}: KeY's private configuration directory, one per JVM. KeY
     * reads its settings file in a static initialiser and writes it back after a proof: JVMs that prove at once (the
     * two proof shards, a cli test beside them in the parallel build) would read each other's half-written file.
     * Every setting is pinned from key-settings.properties anyway, so a fresh directory changes nothing else.
     */
    public static Path keyHome(Path home) {
        return home.resolve("jml-verified").resolve("target").resolve("keyhome").resolve("jvm-" + ProcessHandle.current().pid());
    }

    /** Proves all contracts of the project at {@code home} with its pinned settings. */
    public static List<ProofResult> proveAll(Path home, Consumer<String> progress) throws KeyLoadException {
        return proveAll(home, null, progress);
    }

    /**
     * As {@link #proveAll(Path, Consumer)}, only the methods whose {@code class.method} (full class name)
     * contains a match of {@code only}; null proves all.
     */
    public static List<ProofResult> proveAll(Path home, Pattern only, Consumer<String> progress) throws KeyLoadException {
        return proveAll(home, only, SavedProofs.Mode.REPLAY, progress);
    }

    /** As above, with the saved proofs of {@link SavedProofs#defaultDir} used as {@code mode} says. */
    public static List<ProofResult> proveAll(Path home, Pattern only, SavedProofs.Mode mode, Consumer<String> progress)
            throws KeyLoadException {
        List<Expectation> expected = Expectations.load(Expectations.defaultFile(home));
        return prove(sourceDir(home), keyHome(home), KeySettings.load(KeySettings.defaultFile(home)),
                Expectations.stepBudgets(expected), Expectations.strategyOverrides(expected), only,
                SavedProofs.defaultDir(home), mode, mode == SavedProofs.Mode.FRESH ? null : TwinSearches.defaultDir(home), progress);
    }

    /**
     * Loads {@code sourceDir} into KeY and proves every contract of every non-library type, sorted by
     * class, method and contract name. A source KeY cannot load becomes a one-line
     * {@link KeyLoadException} naming the file.
     */
    public static List<ProofResult> prove(Path sourceDir, Path keyHome, KeySettings settings,
                                          Consumer<String> progress) throws KeyLoadException {
        return prove(sourceDir, keyHome, settings, Map.of(), progress);
    }

    /** As above, with rule-application budgets per {@code class.method} (proofs.json's twin maxSteps). */
    public static List<ProofResult> prove(Path sourceDir, Path keyHome, KeySettings settings, Map<String, Integer> budgets,
                                          Consumer<String> progress) throws KeyLoadException {
        return prove(sourceDir, keyHome, settings, budgets, Map.of(), null, null, SavedProofs.Mode.FRESH, progress);
    }

    /**
     * As above, with strategy overrides per {@code class.method} (proofs.json's strategy), and only the methods
     * whose {@code class.method} contains a match of {@code only} (null: all), and the saved proofs of
     * {@code savedDir} used as {@code mode} says (null: none).
     */
    public static List<ProofResult> prove(Path sourceDir, Path keyHome, KeySettings settings, Map<String, Integer> budgets,
                                          Map<String, Map<String, String>> strategies, Pattern only, Path savedDir,
                                          SavedProofs.Mode mode, Consumer<String> progress) throws KeyLoadException {
        return prove(sourceDir, keyHome, settings, budgets, strategies, only, savedDir, mode, null, progress);
    }

    /** As above; a twin's search outcome is kept in (and read back from) {@code twinCache} by its inputs (null: none). */
    public static synchronized List<ProofResult> prove(Path sourceDir, Path keyHome, KeySettings settings, Map<String, Integer> budgets,
                                          Map<String, Map<String, String>> strategies, Pattern only, Path savedDir,
                                          SavedProofs.Mode mode, Path twinCache, Consumer<String> progress) throws KeyLoadException {
        useKeyHome(keyHome);
        pinDefaults(settings);
        Loaded l = loaded(sourceDir, keyHome, settings);
        KeYEnvironment<?> env = l.env();
        checkChoices(settings, env.getInitConfig().getActivatedChoices(), sourceDir.toString());
        SavedProofs.Mode m = savedDir == null ? SavedProofs.Mode.FRESH : mode;
        TwinSearches searches = twinCache == null ? null : new TwinSearches(twinCache, l.generated());
        List<ProofResult> results = new ArrayList<>();
        for (Target t : targets(env, l.twins())) {
            String key = t.className() + "." + t.method();
            if (only != null && !only.matcher(key).find()) {
                continue;
            }
            Integer steps = budgets.get(key);
            Map<String, String> strategy = strategies.get(key);
            KeySettings s = steps == null ? settings : settings.withMaxSteps(steps);
            // a twin's verdict is the search's: it is never saved or replayed
            Path saved = savedDir == null || l.twins().containsKey(t.className()) ? null
                    : SavedProofs.file(savedDir, t.className(), t.method(), t.contract().getName());
            KeySettings ts = strategy == null ? s : s.withStrategy(strategy, key);
            if (searches != null && l.twins().containsKey(t.className())) {
                // the same twin with the same inputs searches the same way: once per build, the other JVMs wait for it
                results.add(searches.get(t.contract().getName(), ts, progress, () -> proveOne(env, t, ts, null, m, progress)));
            } else {
                results.add(proveOne(env, t, ts, saved, m, progress));
            }
        }
        return results;
    }

    /** The sources KeY loaded last in this JVM (with the twins generated beside them), and what they were. */
    private record Loaded(String digest, Path generated, Map<String, Twins.Twin> twins, KeYEnvironment<?> env) {
    }

    private static Loaded loaded;

    /**
     * KeY's environment for {@code sourceDir} under the pinned choices: the one loaded before in this JVM when the
     * sources and the choices are byte for byte the same (a load is most of a small run: `vhostcheck all` and the
     * tests prove several times in one JVM), else a new load of a copy with the broken twins generated from their
     * guard markers, in a folder of this JVM's own (the build proves in two JVMs at once).
     */
    private static Loaded loaded(Path sourceDir, Path keyHome, KeySettings settings) throws KeyLoadException {
        String digest = digest(sourceDir, settings);
        if (loaded != null && loaded.digest().equals(digest)) {
            return loaded;
        }
        if (loaded != null) {
            loaded.env().dispose();
            Twins.delete(loaded.generated());
            loaded = null;
        }
        Path generated;
        try {
            Path parent = Files.createDirectories(keyHome.toAbsolutePath().normalize().getParent());
            generated = Files.createTempDirectory(parent, "keysrc-");
        } catch (IOException e) {
            throw new KeyLoadException(keyHome.getParent() + ": cannot create a folder for the sources: " + e.getMessage());
        }
        try {
            Map<String, Twins.Twin> twins = Twins.generate(sourceDir, generated);
            KeYEnvironment<?> env;
            try {
                env = load(generated);
            } catch (KeyLoadException e) {
                throw new KeyLoadException(e.getMessage().replace(generated.toString(), sourceDir.toString()));
            }
            loaded = new Loaded(digest, generated, twins, env);
            loads++;
            if (!cleanupRegistered) {
                cleanupRegistered = true;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    Loaded last = loaded;
                    if (last != null) {
                        Twins.delete(last.generated());
                    }
                }, "key-sources-cleanup"));
            }
            return loaded;
        } catch (KeyLoadException | RuntimeException e) {
            Twins.delete(generated);
            throw e;
        }
    }

    private static boolean cleanupRegistered;
    private static int loads;

    /** How many times this JVM has loaded sources into KeY. */
    static synchronized int loads() {
        return loads;
    }

    /** The bytes of every file under {@code dir} with its path, and the pinned choices. */
    private static String digest(Path dir, KeySettings settings) throws KeyLoadException {
        if (!Files.isDirectory(dir)) {
            throw new KeyLoadException(dir + ": no such source folder");
        }
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(dir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            TwinSearches.tree(md, dir);
            md.update(new TreeMap<>(settings.choices()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new KeyLoadException(dir + ": cannot read the sources: " + e.getMessage());
        }
    }

    /** Loads a source folder; KeY's complaint about a bad file becomes one line naming the file. */
    private static KeYEnvironment<?> load(Path sourceDir) throws KeyLoadException {
        if (!Files.isDirectory(sourceDir)) {
            throw new KeyLoadException(sourceDir + ": no such source folder");
        }
        try {
            return KeYEnvironment.load(sourceDir.toFile(), null, null, null);
        } catch (Exception | LinkageError e) {
            throw new KeyLoadException(where(e, sourceDir) + ": KeY cannot load it: " + message(e));
        }
    }

    /** The first file position anywhere in the cause chain, else the folder. */
    private static String where(Throwable e, Path sourceDir) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            try {
                Location loc = ExceptionTools.getLocation(t);
                if (loc != null && loc.getFileURI().isPresent()) {
                    String file = Paths.get(loc.getFileURI().get()).toString();
                    return loc.getPosition() == null || loc.getPosition().line() <= 0 ? file
                            : file + ":" + loc.getPosition().line() + ":" + loc.getPosition().column();
                }
            } catch (Exception | LinkageError ignored) {
                // this link has no usable location: try its cause
            }
        }
        // some converter errors carry the file (and position) only in their text
        String file = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = FILE_IN_TEXT.matcher(String.valueOf(t.getMessage()));
            while (m.find()) {
                if (m.group(2) != null) {
                    return m.group(1) + ":" + m.group(2) + ":" + m.group(3);
                }
                file = file == null ? m.group(1) : file;
            }
        }
        return file != null ? file : sourceDir.toString();
    }

    private static final Pattern FILE_IN_TEXT =
            Pattern.compile("(?:file:|in file )(/[^\\s,;()]+?\\.java)(?:\\s+rel\\. Pos: (\\d+)/(\\d+))?");

    /**
     * What KeY said, from the innermost exception that explains it (the outer ones only wrap it),
     * on one line, without the parsers' long lists of expected tokens.
     */
    static String message(Throwable e) {
        Throwable best = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!(t instanceof ReflectiveOperationException) && t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t;
            }
        }
        String m = best.getMessage() == null ? "" : best.getMessage();
        m = m.replaceAll("\\s+", " ").trim();
        m = m.replaceAll(".*could not find a conversion from RecodeR class [\\w.]*?(\\w+)\\. .*",
                "KeY does not support the Java construct $1 (generics, lambdas, var... are outside KeY's Java)");
        for (String cut : new String[] {" Was expecting one of:", " expecting {", " (file: "}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        if (best.getClass().getName().startsWith("java.")) {
            m = best.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
        }
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    // ---- settings ----

    private static void useKeyHome(Path keyHome) throws KeyLoadException {
        Path dir = keyHome.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KeyLoadException(dir + ": cannot create KeY config dir: " + e.getMessage());
        }
        // must happen before ProofSettings is first touched: it reads its file in a static initialiser
        PathConfig.setKeyConfigDir(dir.toString());
        Path used = ProofSettings.PROVER_CONFIG_FILE.toPath().toAbsolutePath().normalize().getParent();
        if (!dir.equals(used)) {
            throw new KeyLoadException(dir + ": KeY settings were already initialised from " + used
                    + " in this JVM; refusing to prove with foreign settings");
        }
    }

    private static void pinDefaults(KeySettings s) {
        ProofSettings.DEFAULT_SETTINGS.getChoiceSettings().setDefaultChoices(new TreeMap<>(s.choices()));
        StrategySettings ss = ProofSettings.DEFAULT_SETTINGS.getStrategySettings();
        ss.setStrategy(new Name(s.strategyName()));
        ss.setMaxSteps(s.maxSteps());
        ss.setTimeout(s.timeoutMillis());
        ss.setActiveStrategyProperties(s.strategyProperties());
    }

    /** Every taclet option KeY activated must be exactly the pinned one, intRules:javaSemantics above all. */
    private static void checkChoices(KeySettings s, Iterable<Choice> activated, String where) throws KeyLoadException {
        Map<String, String> actual = new TreeMap<>();
        for (Choice c : activated) {
            actual.put(c.category(), c.name().toString());
        }
        if (!KeySettings.REQUIRED_INT_RULES.equals(actual.get("intRules"))) {
            throw new KeyLoadException(where + ": KeY activated " + actual.get("intRules")
                    + " instead of " + KeySettings.REQUIRED_INT_RULES);
        }
        if (!actual.equals(new TreeMap<>(s.choices()))) {
            Map<String, String> diff = new TreeMap<>();
            actual.forEach((k, v) -> {
                if (!v.equals(s.choices().get(k))) {
                    diff.put(k, v + " (pinned: " + s.choices().get(k) + ")");
                }
            });
            s.choices().forEach((k, v) -> {
                if (!actual.containsKey(k)) {
                    diff.put(k, "unknown to KeY (pinned: " + v + ")");
                }
            });
            throw new KeyLoadException(s.file() + ": KeY's activated taclet options differ from the pinned ones: " + diff);
        }
    }

    // ---- proving ----

    private record Target(String className, String method, Contract contract) {
    }

    /** Every contract of every type; of a generated twin only its marked method and contract case. */
    private static List<Target> targets(KeYEnvironment<?> env, Map<String, Twins.Twin> twins) {
        List<Target> out = new ArrayList<>();
        for (KeYJavaType type : env.getJavaInfo().getAllKeYJavaTypes()) {
            if (KeYTypeUtil.isLibraryClass(type)) {
                continue;
            }
            for (IObserverFunction target : env.getSpecificationRepository().getContractTargets(type)) {
                for (Contract c : env.getSpecificationRepository().getContracts(type, target)) {
                    Twins.Twin twin = twins.get(type.getFullName());
                    if (twin != null && !(twin.method().equals(methodName(target))
                            && c.getName().endsWith("." + twin.contractCase()))) {
                        continue;
                    }
                    out.add(new Target(type.getFullName(), methodName(target), c));
                }
            }
        }
        out.sort(Comparator.comparing(Target::className).thenComparing(Target::method)
                .thenComparing(t -> t.contract().getName()));
        return out;
    }

    private static String methodName(IObserverFunction target) {
        String n = target.name().toString();
        int i = n.lastIndexOf("::");
        return i >= 0 ? n.substring(i + 2) : n;
    }

    private static ProofResult proveOne(KeYEnvironment<?> env, Target t, KeySettings s, Path saved,
                                        SavedProofs.Mode mode, Consumer<String> progress) throws KeyLoadException {
        String how = ProofResult.SEARCHED;
        if (saved != null && mode == SavedProofs.Mode.REPLAY && Files.isRegularFile(saved)) {
            Proof proof = createProof(env, t, s);
            try {
                long start = System.nanoTime();
                String error = SavedProofs.replay(proof, saved);
                double seconds = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
                if (error == null && proof.closed()) {
                    ProofResult r = new ProofResult(t.className(), t.method(), t.contract().getName(), ProofResult.CLOSED,
                            proof.countNodes(), seconds, 0, ProofResult.REPLAYED);
                    progress.accept(String.format(Locale.ROOT, "prove %s [%s] ... closed (replayed %s: %d nodes, %.1f s)",
                            r.shortName(), r.caseName(), saved.getFileName(), r.nodes(), r.seconds()));
                    return r;
                }
                String why = "saved proof " + saved.getFileName() + " did not close: "
                        + (error != null ? error : proof.openGoals().size() + " open goals after its replay");
                how = ProofResult.SEARCHED + " (" + why + ")";
                progress.accept("prove " + t.className().substring(t.className().lastIndexOf('.') + 1) + "." + t.method()
                        + ": " + why + "; searching");
            } finally {
                proof.dispose();
            }
        }
        Proof proof = createProof(env, t, s);
        try {
            long start = System.nanoTime();
            env.getProofControl().startAndWaitForAutoMode(proof);
            double seconds = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
            int open = proof.openGoals().size();
            ProofResult r = new ProofResult(t.className(), t.method(), t.contract().getName(),
                    proof.closed() ? ProofResult.CLOSED : ProofResult.OPEN, proof.countNodes(), seconds, open, how);
            progress.accept(String.format(Locale.ROOT, "prove %s [%s] ... %s (%d nodes, %.1f s%s)", r.shortName(),
                    r.caseName(), r.result(), r.nodes(), r.seconds(), open == 0 ? "" : ", " + open + " open goals"));
            if (saved != null && mode == SavedProofs.Mode.SAVE && proof.closed()) {
                SavedProofs.save(proof, saved);
            }
            return r;
        } finally {
            proof.dispose();
        }
    }

    /** The proof obligation of {@code t} as a new proof, under the pinned choices and strategy of {@code s}. */
    private static Proof createProof(KeYEnvironment<?> env, Target t, KeySettings s) throws KeyLoadException {
        Proof proof;
        try {
            proof = env.createProof(t.contract().createProofObl(env.getInitConfig(), t.contract()));
        } catch (ProofInputException e) {
            throw new KeyLoadException(t.className() + ": KeY cannot set up the proof of " + t.contract().getName()
                    + ": " + message(e));
        }
        try {
            checkChoices(s, proof.getInitConfig().getActivatedChoices(), t.contract().getName());
            StrategyFactory factory = proof.getServices().getProfile().getDefaultStrategyFactory();
            if (!factory.name().toString().equals(s.strategyName())) {
                throw new KeyLoadException(s.file() + ": strategy " + s.strategyName()
                        + " is not KeY's strategy " + factory.name());
            }
            StrategyProperties sp = s.strategyProperties();
            StrategySettings ss = proof.getSettings().getStrategySettings();
            ss.setMaxSteps(s.maxSteps());
            ss.setTimeout(s.timeoutMillis());
            ss.setActiveStrategyProperties(sp);
            proof.setActiveStrategy(factory.create(proof, sp));
            return proof;
        } catch (KeyLoadException | RuntimeException e) {
            proof.dispose();
            throw e;
        }
    }
}
