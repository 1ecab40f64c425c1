package org.vhostcheck.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads {@code jml-verified/proofs.json} and compares KeY's results with it. */
public final class Expectations {

    private record File(List<Expectation> contracts) {
    }

    private Expectations() {
    }

    public static Path defaultFile(Path home) {
        return home.resolve("jml-verified").resolve("proofs.json");
    }

    /** Loads and validates the expectations; any defect is a one-line {@link KeyLoadException} naming the file. */
    public static List<Expectation> load(Path file) throws KeyLoadException {
        File parsed;
        try {
            parsed = new ObjectMapper().readValue(file.toFile(), File.class);
        } catch (JsonProcessingException e) {
            throw new KeyLoadException(file + ":" + e.getLocation().getLineNr() + ": " + e.getOriginalMessage()
                    .replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw new KeyLoadException(file + ": cannot read: " + e.getMessage());
        }
        if (parsed == null || parsed.contracts() == null || parsed.contracts().isEmpty()) {
            throw new KeyLoadException(file + ": no \"contracts\" listed");
        }
        Map<String, Expectation> byKey = new LinkedHashMap<>();
        for (Expectation e : parsed.contracts()) {
            String name = e.className() + "." + e.method();
            if (e.className() == null || e.method() == null || e.cases() == null || e.expected() == null
                    || e.why() == null) {
                throw new KeyLoadException(file + ": " + name + ": class, method, cases, expected and why are required");
            }
            if (e.cases() < 1) {
                throw new KeyLoadException(file + ": " + name + ": cases must be at least 1");
            }
            if (!ProofResult.CLOSED.equals(e.expected()) && !ProofResult.OPEN.equals(e.expected())) {
                throw new KeyLoadException(file + ": " + name + ": expected must be closed or open, not " + e.expected());
            }
            if (ProofResult.OPEN.equals(e.expected()) != (e.twinOf() != null)) {
                throw new KeyLoadException(file + ": " + name + ": twinOf is required for expected open and only there");
            }
            if (e.maxSteps() != null && e.maxSteps() < 1) {
                throw new KeyLoadException(file + ": " + name + ": maxSteps must be at least 1");
            }
            if (e.strategy() != null && (e.twinOf() != null || e.strategy().isEmpty()
                    || e.strategy().values().stream().anyMatch(v -> v == null || v.isBlank()))) {
                throw new KeyLoadException(file + ": " + name + ": strategy is a non-empty map of property to value,"
                        + " for expected-closed methods only (their twins inherit it)");
            }
            if (e.shard() != null && (e.twinOf() != null || e.shard() < 0 || e.shard() >= SHARDS)) {
                throw new KeyLoadException(file + ": " + name + ": shard is 0 or 1, for expected-closed methods"
                        + " only (their twins go with them)");
            }
            if (byKey.put(e.key(), e) != null) {
                throw new KeyLoadException(file + ": " + name + " is listed twice");
            }
        }
        for (Expectation e : byKey.values()) {
            if (e.twinOf() != null) {
                Expectation original = byKey.get(e.twinOf());
                if (original == null || !ProofResult.CLOSED.equals(original.expected())) {
                    throw new KeyLoadException(file + ": " + e.key() + ": twinOf " + e.twinOf()
                            + " is not a listed expected-closed method");
                }
                if (original.maxSteps() != null && (e.maxSteps() == null || e.maxSteps() < original.maxSteps())) {
                    throw new KeyLoadException(file + ": " + e.key() + ": maxSteps must be at least the "
                            + original.maxSteps() + " of " + e.twinOf() + ": a twin gets its original's budget");
                }
            }
        }
        return List.copyOf(byKey.values());
    }

    /** How many KeY JVMs the build splits the proofs between (proofs.json's {@code shard}). */
    public static final int SHARDS = 2;

    /** The shard of a listed method: its own, or its original's for a broken twin; 0 by default. */
    public static int shardOf(List<Expectation> expected, Expectation e) {
        Expectation owner = e;
        if (e.twinOf() != null) {
            for (Expectation o : expected) {
                if (o.key().equals(e.twinOf())) {
                    owner = o;
                }
            }
        }
        return owner.shard() == null ? 0 : owner.shard();
    }

    /**
     * The {@code class.method} keys shard {@code shard} proves, as a pattern for
     * {@link KeyProver#proveAll(java.nio.file.Path, Pattern, java.util.function.Consumer)}: shard 0 takes
     * everything not in another shard, so a method proofs.json does not list is still proven (and reported).
     */
    public static Pattern shardPattern(List<Expectation> expected, int shard) {
        List<String> others = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        for (Expectation e : expected) {
            (shardOf(expected, e) == shard ? mine : others).add(Pattern.quote(e.key()));
        }
        if (shard == 0) {
            return others.isEmpty() ? Pattern.compile("^") : Pattern.compile("^(?!(?:" + String.join("|", others) + ")$)");
        }
        return Pattern.compile("^(?:" + (mine.isEmpty() ? "(?!)" : String.join("|", mine)) + ")$");
    }

    /** The entries shard {@code shard} proves. */
    public static List<Expectation> inShard(List<Expectation> expected, int shard) {
        return expected.stream().filter(e -> shardOf(expected, e) == shard).toList();
    }

    /** Per-method KeY step budgets ({@code class.method} to maxSteps) of the entries that set one. */
    public static Map<String, Integer> stepBudgets(List<Expectation> expected) {
        Map<String, Integer> out = new TreeMap<>();
        for (Expectation e : expected) {
            if (e.maxSteps() != null) {
                out.put(e.key(), e.maxSteps());
            }
        }
        return out;
    }

    /**
     * Per-method strategy overrides ({@code class.method} to property to value): those of the entries
     * that set one, and the same for each of their broken twins, so a twin runs exactly as its original.
     */
    public static Map<String, Map<String, String>> strategyOverrides(List<Expectation> expected) {
        Map<String, Map<String, String>> own = new TreeMap<>();
        for (Expectation e : expected) {
            if (e.strategy() != null) {
                own.put(e.key(), Map.copyOf(e.strategy()));
            }
        }
        Map<String, Map<String, String>> out = new TreeMap<>(own);
        for (Expectation e : expected) {
            if (e.twinOf() != null && own.containsKey(e.twinOf())) {
                out.put(e.key(), own.get(e.twinOf()));
            }
        }
        return out;
    }

    /** The entry for a result's method, or null. */
    public static Expectation find(List<Expectation> expected, ProofResult r) {
        for (Expectation e : expected) {
            if (e.className().equals(r.className()) && e.method().equals(r.method())) {
                return e;
            }
        }
        return null;
    }

    /**
     * Everything that differs from the expectations, one line each; empty means all as expected.
     * Fails on: an expected-closed method with an open case, a broken twin whose cases all close,
     * a method KeY found that is not listed, a listed method KeY did not find, a wrong case count.
     */
    public static List<String> check(List<Expectation> expected, List<ProofResult> results) {
        Map<String, List<ProofResult>> byMethod = new TreeMap<>();
        for (ProofResult r : results) {
            byMethod.computeIfAbsent(r.className() + "." + r.method(), k -> new ArrayList<>()).add(r);
        }
        List<String> problems = new ArrayList<>();
        for (Expectation e : expected) {
            List<ProofResult> rs = byMethod.remove(e.key());
            if (rs == null) {
                problems.add(e.key() + ": listed in proofs.json but KeY found no contract for it");
                continue;
            }
            if (rs.size() != e.cases()) {
                problems.add(e.key() + ": KeY found " + rs.size() + " contracts, proofs.json expects " + e.cases());
            }
            List<ProofResult> open = rs.stream().filter(r -> !r.closed()).toList();
            if (ProofResult.CLOSED.equals(e.expected())) {
                for (ProofResult r : open) {
                    problems.add(e.key() + ": expected closed, but " + r.contract() + " stayed open ("
                            + r.openGoals() + " open goals, " + r.nodes() + " nodes)");
                }
            } else if (open.isEmpty()) {
                problems.add(e.key() + ": broken twin of " + e.twinOf()
                        + " closed: its proof survives the removed guard (" + e.why() + ")");
            }
            if (e.maxSteps() != null) {
                int needed = results.stream()
                        .filter(r -> (r.className() + "." + r.method()).equals(e.twinOf()) && r.closed())
                        .mapToInt(ProofResult::nodes).max().orElse(0);
                if (e.maxSteps() < needed) {
                    problems.add(e.key() + ": maxSteps " + e.maxSteps() + " is below the " + needed
                            + " nodes the proof of " + e.twinOf() + " needed: the twin must get at least that budget");
                }
            }
        }
        byMethod.forEach((key, rs) -> problems.add(key + ": " + rs.size()
                + " contract(s) not listed in proofs.json (" + rs.get(0).contract() + ")"));
        return problems;
    }
}
