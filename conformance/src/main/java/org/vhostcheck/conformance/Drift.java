package org.vhostcheck.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.VhostcheckException;

/**
 * The drift report (issue 6): every divergence between the spec and a target (the Java model, a
 * kernel version), one item per kind of divergence ({@link Divergence#key()}) per model and target,
 * matched against the investigated causes in conformance/drift.json. A divergence no cause explains
 * is UNEXPLAINED: it must be investigated (model wrong: fix it; kernel differs: a claim), never
 * silenced. A cause that explains nothing any more is reported too (its divergence went away).
 */
public final class Drift {
    public static final String FILE = "conformance/drift.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One investigated cause: which divergences it explains (regexes) and why they happen. */
    public record Cause(String id, Pattern model, Pattern target, Pattern key, String explanation, String claim,
                        String verdict) {
    }

    /** One kind of divergence in one suite, with its first occurrence (the step to reproduce). */
    public record Item(String id, String model, String action, String target, long step, String field,
                       String expected, String actual, long count, Path trace, String cause, String explanation,
                       String claim) {
        public boolean explained() {
            return cause != null;
        }
    }

    public record Result(List<Item> items, List<Cause> unused, List<SuiteResult> skipped) {
        public long unexplained() {
            return items.stream().filter(i -> !i.explained()).count();
        }
    }

    private final List<Cause> causes;

    private Drift(List<Cause> causes) {
        this.causes = causes;
    }

    public List<Cause> causes() {
        return causes;
    }

    /** Reads conformance/drift.json strictly: a bad entry is one line naming the file and the entry. */
    public static Drift load(Path home) {
        Path f = home.resolve(FILE);
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(f + ": no such file (the investigated causes of divergences)");
        } catch (JsonProcessingException e) {
            throw new VhostcheckException(f + ": not valid JSON: " + JsonProblem.of(e));
        } catch (IOException e) {
            throw new VhostcheckException(f + ": cannot read: " + e.getMessage());
        }
        JsonNode list = doc == null ? null : doc.get("causes");
        if (list == null || !list.isArray()) {
            throw new VhostcheckException(f + ": expected {\"causes\": [...]}");
        }
        List<Cause> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            JsonNode c = list.get(k);
            String where = f + ": causes[" + k + "]";
            String id = text(c, "id", where);
            out.add(new Cause(id, regex(c, "model", where), regex(c, "target", where), regex(c, "key", where),
                    text(c, "explanation", where), c.path("claim").asText(null), text(c, "verdict", where)));
            if (!List.of("kernel differs", "model gap").contains(out.get(k).verdict())) {
                throw new VhostcheckException(where + ".verdict: expected \"kernel differs\" or \"model gap\"");
            }
        }
        return new Drift(out);
    }

    private static String text(JsonNode c, String name, String where) {
        JsonNode v = c.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new VhostcheckException(where + "." + name + ": expected a non-empty string");
        }
        return v.asText();
    }

    private static Pattern regex(JsonNode c, String name, String where) {
        String s = text(c, name, where);
        try {
            return Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw new VhostcheckException(where + "." + name + ": not a regular expression: " + e.getDescription());
        }
    }

    /** Groups the suites' divergences by kind and explains each with the first cause that matches. */
    public Result analyze(List<SuiteResult> suites) {
        List<Item> items = new ArrayList<>();
        List<SuiteResult> skipped = new ArrayList<>();
        Map<Cause, Boolean> used = new LinkedHashMap<>();
        causes.forEach(c -> used.put(c, false));
        for (SuiteResult s : suites) {
            if (s.skipped() != null) {
                skipped.add(s);
                continue;
            }
            Map<String, Divergence> first = new LinkedHashMap<>();
            for (Divergence d : s.divergences()) {
                first.putIfAbsent(d.key(), d);
            }
            for (Map.Entry<String, Long> e : s.counts().entrySet()) {
                Divergence d = first.get(e.getKey());
                Cause c = causes.stream().filter(x -> x.model().matcher(s.model()).matches()
                        && x.target().matcher(s.target()).matches() && x.key().matcher(e.getKey()).matches())
                        .findFirst().orElse(null);
                if (c != null) {
                    used.put(c, true);
                }
                items.add(new Item(id(s.model(), s.target(), e.getKey()), s.model(), d == null ? "?" : d.action(),
                        s.target(), d == null ? 0 : d.line(), d == null ? e.getKey() : d.field(),
                        d == null ? "" : d.expected(), d == null ? "" : d.actual(), e.getValue(),
                        d == null ? null : d.trace(), c == null ? null : c.id(),
                        c == null ? "UNEXPLAINED: not investigated yet (add the cause to " + FILE + " once it is)"
                                : c.explanation(), c == null ? null : c.claim()));
            }
        }
        List<Cause> unused = used.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        return new Result(items, unused, skipped);
    }

    /** A stable id: the same model, target and kind of divergence give the same id in every run. */
    static String id(String model, String target, String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((model + "\n" + target + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return "D" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The lines that reproduce one divergence: the trace's header, then for a graph edge the edge
     * alone (it carries its "from" state), for a simulation step the trace from its Init up to it.
     */
    public static List<String> reproduction(Path trace, long line) {
        List<String> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(trace)) {
            String s;
            long n = 0;
            boolean graph = false;
            while ((s = in.readLine()) != null) {
                n++;
                if (n == 1) {
                    out.add(s);
                    graph = "graph".equals(JSON.readTree(s).path("kind").asText());
                    continue;
                }
                // a graph edge carries its start state: it alone reproduces; a simulation run starts at its Init
                if (graph || s.contains("\"Init\"") && "Init".equals(JSON.readTree(s).path("action").asText())) {
                    run.clear();
                }
                run.add(s);
                if (n == line) {
                    break;
                }
            }
            if (n < line) {
                throw new VhostcheckException(trace + ": has no line " + line + " (re-run vhostcheck drift)");
            }
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(trace + ": no such trace file (re-run vhostcheck drift)");
        } catch (IOException e) {
            throw new VhostcheckException(trace + ": cannot read: " + e.getMessage());
        }
        out.addAll(run);
        return out;
    }
}
