package org.vhostcheck.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * spec/guards.json: every guard (a CONSTANT switch of a spec: TRUE is the check, FALSE the check removed) with the
 * model pairs that differ in that switch alone and the KeY contracts of the Java guard and of its broken twin.
 * {@code vhostcheck review --guard NAME} and the claim triage read it. Validated strictly against the manifest: a
 * pair's two configs must differ in the guard's constant and nothing else, and every broken model of the manifest
 * must be the without-model of some pair (otherwise the guard its purpose names has no review).
 */
public final class Guards {
    /** A with-model (guard in) and a without-model (guard out) and the invariant the guard protects. */
    public record Pair(String with, String without, String invariant) {
    }

    /** A proven contract of the Java guard ("class.method") and its broken twin's, which must stay open. */
    public record Proof(String with, String without) {
    }

    /** One guard; {@code inKernel} names the kernels whose code has it (empty: a proposed fix). */
    public record Guard(String name, String spec, String check, List<String> inKernel, List<Pair> pairs,
                        List<Proof> proofs) {
    }

    private record Doc(List<Guard> guards) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern CONTRACT = Pattern.compile("[A-Za-z_][\\w.]*\\.[A-Za-z_]\\w*");
    private static final Pattern ASSIGN = Pattern.compile("^\\s*(\\w+)\\s*(=|<-)\\s*(.+?)\\s*$");

    private final Path file;
    private final Map<String, Guard> byName;

    private Guards(Path file, Map<String, Guard> byName) {
        this.file = file;
        this.byName = byName;
    }

    public static Path defaultFile(Path home) {
        return home.resolve("spec/guards.json");
    }

    public Path file() {
        return file;
    }

    public List<Guard> all() {
        return List.copyOf(byName.values());
    }

    public Optional<Guard> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The guard called {@code name}; an unknown name is bad input listing the known ones. */
    public Guard get(String name) {
        return find(name).orElseThrow(() -> new VhostcheckException("no guard named '" + JsonProblem.cut(name)
                + "' in " + file.getFileName() + " (known: " + String.join(", ", byName.keySet()) + ")"));
    }

    /** Loads spec/guards.json and checks it against the manifest and the model configs. */
    public static Guards load(Manifest manifest) {
        return load(manifest.specDir().resolve("guards.json"), manifest);
    }

    public static Guards load(Path file, Manifest manifest) {
        Doc doc = StrictJson.read(file, Doc.class, "guards file");
        if (doc == null || doc.guards() == null) {
            throw new VhostcheckException(file + ": expected an object with an array \"guards\"");
        }
        Map<String, Guard> byName = new LinkedHashMap<>();
        for (int k = 0; k < doc.guards().size(); k++) {
            Guard g = doc.guards().get(k);
            String where = file + ": guards[" + k + "]";
            if (g == null || g.name() == null || !NAME.matcher(g.name()).matches()) {
                throw new VhostcheckException(where + ": 'name' must be the guard's CONSTANT name");
            }
            where = file + ": guard " + g.name();
            if (byName.put(g.name(), g) != null) {
                throw new VhostcheckException(where + ": named twice");
            }
            if (g.spec() == null || g.check() == null || g.check().isBlank() || g.inKernel() == null
                    || g.pairs() == null || g.proofs() == null) {
                throw new VhostcheckException(where + ": needs 'spec', 'check', 'inKernel', 'pairs' and 'proofs'");
            }
            if (g.pairs().isEmpty()) {
                throw new VhostcheckException(where + ": no model pair: a guard no model switches is not reviewable");
            }
            if (manifest != null) {
                checkDeclared(where, g, manifest.specDir().resolve(g.spec() + ".tla"));
            }
            for (Pair p : g.pairs()) {
                checkPair(where, g, p, manifest);
            }
            for (Proof p : g.proofs()) {
                if (p == null || p.with() == null || p.without() == null || !CONTRACT.matcher(p.with()).matches()
                        || !CONTRACT.matcher(p.without()).matches()) {
                    throw new VhostcheckException(where + ": a proof needs 'with' and 'without' as class.method");
                }
            }
        }
        if (manifest != null) {
            Set<String> withouts = byName.values().stream().flatMap(g -> g.pairs().stream()).map(Pair::without)
                    .collect(Collectors.toSet());
            for (Manifest.Entry e : manifest.entries()) {
                if (e.purpose().startsWith("Broken") && !withouts.contains(e.name())) {
                    throw new VhostcheckException(file + ": broken model " + e.name() + " is no guard's without-model");
                }
            }
        }
        return new Guards(file, byName);
    }

    private static void checkPair(String where, Guard g, Pair p, Manifest manifest) {
        if (p == null || p.with() == null || p.without() == null || p.invariant() == null) {
            throw new VhostcheckException(where + ": a pair needs 'with', 'without' and 'invariant'");
        }
        if (manifest == null) {
            return;
        }
        Manifest.Entry with = entry(where, manifest, p.with());
        Manifest.Entry without = entry(where, manifest, p.without());
        if (!with.module().equals(without.module())) {
            throw new VhostcheckException(where + ": " + with.name() + " and " + without.name() + " are different modules");
        }
        Map<String, String> a = constants(manifest.specDir().resolve(with.config()));
        Map<String, String> b = constants(manifest.specDir().resolve(without.config()));
        Set<String> differ = new TreeSet<>();
        for (String k : new LinkedHashSet<>(List.copyOf(a.keySet()))) {
            if (!a.get(k).equals(b.get(k))) {
                differ.add(k);
            }
        }
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(differ::add);
        if (!differ.equals(Set.of(g.name()))) {
            throw new VhostcheckException(where + ": " + with.config() + " and " + without.config()
                    + " must differ in " + g.name() + " alone, they differ in " + (differ.isEmpty() ? "nothing" : differ));
        }
        if (!"holds".equals(with.expected())) {
            throw new VhostcheckException(where + ": with-model " + with.name() + " is expected to " + with.expected()
                    + ", a guard's with-model must hold");
        }
        if (!("violates:" + p.invariant()).equals(without.expected())) {
            throw new VhostcheckException(where + ": without-model " + without.name() + " is expected to "
                    + without.expected() + ", not violates:" + p.invariant());
        }
    }

    /** The guard's switch must be a CONSTANT of the spec module it names. */
    private static void checkDeclared(String where, Guard g, Path module) {
        String src;
        try {
            src = Files.readString(module);
        } catch (IOException e) {
            throw new VhostcheckException(where + ": spec module " + module.getFileName() + " not readable");
        }
        int c = src.indexOf("CONSTANT");
        int v = src.indexOf("VARIABLE");
        String decls = c < 0 ? "" : src.substring(c, v > c ? v : src.length());
        if (!Pattern.compile("\\b" + Pattern.quote(g.name()) + "\\b").matcher(decls).find()) {
            throw new VhostcheckException(where + ": " + g.name() + " is not a CONSTANT of " + module.getFileName());
        }
    }

    private static Manifest.Entry entry(String where, Manifest manifest, String name) {
        return manifest.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new VhostcheckException(where + ": model '" + JsonProblem.cut(name) + "' is not in "
                        + manifest.file().getFileName()));
    }

    /** The CONSTANTS assignments of a .cfg ({@code X = v} and {@code X <- D}), by name. */
    public static Map<String, String> constants(Path cfg) {
        String text;
        try {
            text = Files.readString(cfg);
        } catch (IOException e) {
            throw new VhostcheckException(cfg + ": cannot read: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : TlcRunner.constantsOnly(text).split("\n")) {
            Matcher m = ASSIGN.matcher(line);
            if (m.find()) {
                out.put(m.group(1), m.group(2) + " " + m.group(3));
            }
        }
        return out;
    }
}
