package org.vhostcheck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** spec/manifest.json: every model with its purpose and expected outcome at CI bounds. */
public final class Manifest {
    private static final Pattern EXPECTED = Pattern.compile("holds|violates:[A-Za-z_][A-Za-z0-9_]*");

    /** One model: an MC module with one .cfg, and what TLC must say about it. */
    public record Entry(String name, String spec, String module, String config, String purpose,
                        String expected, Long distinctStates, String kernel, boolean deep,
                        String traceConfig, String simulateConfig, int simulateCount, int simulateDepth,
                        boolean today, List<String> kernels) {
        public Path modulePath(Path specDir) {
            return specDir.resolve(module + ".tla");
        }

        public Path configPath(Path specDir) {
            return specDir.resolve(config);
        }

        public boolean exportable() {
            return traceConfig != null;
        }
    }

    private final Path file;
    private final List<Entry> entries;

    /**
     * At most this many simulation runs per model: the system property vhostcheck.simulate.max (mvn verify sets 200, a
     * sample; conform, all and bench take the manifest's count, 1000 unless a model says otherwise).
     */
    static int simulateMax() {
        Integer max = Integer.getInteger("vhostcheck.simulate.max");
        if (max != null && max < 1) {
            throw new VhostcheckException("vhostcheck.simulate.max must be at least 1, not " + max);
        }
        return max == null ? Integer.MAX_VALUE : max;
    }

    private Manifest(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    public Path file() {
        return file;
    }

    public Path specDir() {
        return file.getParent();
    }

    public List<Entry> entries() {
        return entries;
    }

    public static Manifest load(Path home) {
        return load(home.resolve("spec/manifest.json"), true);
    }

    /** Reads and validates a manifest; every problem is one line naming the file and entry. */
    public static Manifest load(Path file, boolean checkFilesExist) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new VhostcheckException(file + ": not readable JSON: " + firstLine(e.getMessage()));
        }
        JsonNode models = root == null ? null : root.get("models");
        if (models == null || !models.isArray()) {
            throw new VhostcheckException(file + ": expected an object with an array \"models\"");
        }
        List<Entry> list = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> known = Set.of("name", "spec", "module", "config", "purpose", "expected",
                "distinctStates", "kernel", "deep", "traceConfig", "simulateConfig", "simulateCount", "simulateDepth", "today", "kernels");
        for (int k = 0; k < models.size(); k++) {
            JsonNode m = models.get(k);
            String where = file + ": models[" + k + "]";
            if (!m.isObject()) {
                throw new VhostcheckException(where + ": expected an object");
            }
            for (var it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    throw new VhostcheckException(where + ": unknown field '" + f + "'");
                }
            }
            String name = text(m, "name", where, true);
            where = file + ": model " + name;
            if (!names.add(name)) {
                throw new VhostcheckException(where + ": duplicate name");
            }
            String expected = text(m, "expected", where, true);
            if (!EXPECTED.matcher(expected).matches()) {
                throw new VhostcheckException(where + ": expected must be 'holds' or 'violates:<Invariant>', not '"
                        + expected + "'");
            }
            JsonNode ds = m.get("distinctStates");
            if (ds != null && !ds.isNull() && !ds.canConvertToLong()) {
                throw new VhostcheckException(where + ": distinctStates must be a whole number");
            }
            JsonNode deep = m.get("deep");
            if (deep != null && !deep.isBoolean()) {
                throw new VhostcheckException(where + ": deep must be true or false");
            }
            JsonNode today = m.get("today");
            if (today != null && !today.isBoolean()) {
                throw new VhostcheckException(where + ": today must be true or false");
            }
            Entry e = new Entry(name, text(m, "spec", where, true), text(m, "module", where, true),
                    text(m, "config", where, true), text(m, "purpose", where, true), expected,
                    ds == null || ds.isNull() ? null : ds.asLong(),
                    m.has("kernel") ? text(m, "kernel", where, true) : "none",
                    deep != null && deep.booleanValue(),
                    text(m, "traceConfig", where, false), text(m, "simulateConfig", where, false),
                    Math.min(positive(m, "simulateCount", 1000, where), simulateMax()), positive(m, "simulateDepth", 50, where),
                    today != null && today.booleanValue(), kernels(m, where));
            if (e.today() && "none".equals(e.kernel())) {
                throw new VhostcheckException(where + ": a model of today's kernel names its kernel (\"kernel\")");
            }
            if (!e.today() && m.has("kernels")) {
                throw new VhostcheckException(where + ": only a model of today's kernel (\"today\": true) lists the kernels it equals");
            }
            if (e.today() && e.kernels().isEmpty()) {
                e = new Entry(e.name(), e.spec(), e.module(), e.config(), e.purpose(), e.expected(), e.distinctStates(),
                        e.kernel(), e.deep(), e.traceConfig(), e.simulateConfig(), e.simulateCount(), e.simulateDepth(),
                        true, List.of(e.kernel()));
            }
            if (checkFilesExist) {
                Path dir = file.getParent();
                requireFile(dir.resolve(e.module() + ".tla"), where);
                requireFile(dir.resolve(e.config()), where);
                if (e.traceConfig() != null) {
                    requireFile(dir.resolve(e.traceConfig()), where);
                }
                if (e.simulateConfig() != null) {
                    requireFile(dir.resolve(e.simulateConfig()), where);
                }
            }
            list.add(e);
        }
        return new Manifest(file, Collections.unmodifiableList(list));
    }

    /** The entries with these names (all CI entries if none named); unknown names are bad input. */
    public List<Entry> select(List<String> names, boolean includeDeep) {
        if (names == null || names.isEmpty()) {
            return entries.stream().filter(e -> includeDeep || !e.deep()).toList();
        }
        List<Entry> out = new ArrayList<>();
        for (String n : names) {
            out.add(entries.stream().filter(e -> e.name().equals(n)).findFirst().orElseThrow(() ->
                    new VhostcheckException(file + ": no model named '" + n + "' (known: "
                            + String.join(", ", entries.stream().map(Entry::name).toList()) + ")")));
        }
        return out;
    }

    /** "kernels": the kernel targets whose code a model of today's kernel equals (default: its "kernel"). */
    private static List<String> kernels(JsonNode m, String where) {
        JsonNode v = m.get("kernels");
        if (v == null) {
            return List.of();
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new VhostcheckException(where + ": kernels must be a non-empty array of kernel targets such as \"linux-6.12\"");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode k : v) {
            if (!k.isTextual() || !k.textValue().matches("linux-\\d+\\.\\d+")) {
                throw new VhostcheckException(where + ": kernels: '" + k.asText() + "' is not a kernel target such as \"linux-6.12\"");
            }
            out.add(k.textValue());
        }
        return List.copyOf(out);
    }

    private static int positive(JsonNode m, String field, int dflt, String where) {
        JsonNode v = m.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.canConvertToInt() || v.asInt() < 1) {
            throw new VhostcheckException(where + ": " + field + " must be a whole number of at least 1");
        }
        return v.asInt();
    }

    private static void requireFile(Path p, String where) {
        if (!Files.isRegularFile(p)) {
            throw new VhostcheckException(where + ": file not found: " + p.getFileName());
        }
    }

    private static String text(JsonNode m, String field, String where, boolean required) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new VhostcheckException(where + ": missing field '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new VhostcheckException(where + ": field '" + field + "' must be a non-empty string");
        }
        return v.textValue();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
