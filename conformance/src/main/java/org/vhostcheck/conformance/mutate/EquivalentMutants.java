package org.vhostcheck.conformance.mutate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.StrictJson;
import org.vhostcheck.model.VhostcheckException;

/**
 * conformance/mutants.json: the generated mutants that survive because they cannot change behaviour (an operator
 * whose two versions agree on every value that can reach it, code unreachable in userspace such as a kmalloc
 * failure), each with the reason: {@code {"equivalent": [{"id", "target", "reason"}]}}, target a kernel target or
 * "both". Such a survivor counts as equivalent, not as a hole in the suites. A recorded id that the generator no
 * longer gives for its target is stale: an error.
 */
public final class EquivalentMutants {
    /** One recorded equivalent mutant. */
    public record Entry(String id, String target, String reason) {
        /** The kernel targets the entry covers. */
        public List<String> targets() {
            return "both".equals(target) ? Kernels.TARGETS : List.of(target);
        }
    }

    private record Doc(List<Entry> equivalent) {
    }


    private final Path file;
    /** target -> id -> entry */
    private final Map<String, Map<String, Entry>> byTarget;

    private EquivalentMutants(Path file, Map<String, Map<String, Entry>> byTarget) {
        this.file = file;
        this.byTarget = byTarget;
    }

    public static Path defaultFile(Path home) {
        return home.resolve("conformance/mutants.json");
    }

    public Path file() {
        return file;
    }

    /** The entry recording that mutant {@code id} on {@code target} is equivalent, or null. */
    public Entry find(String id, String target) {
        return byTarget.getOrDefault(target, Map.of()).get(id);
    }

    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        for (Map<String, Entry> m : byTarget.values()) {
            for (Entry e : m.values()) {
                if (!out.contains(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The file read and checked (fields present, targets known, no id twice for a target); no file: none recorded. */
    public static EquivalentMutants load(Path file) {
        if (!Files.exists(file)) {
            return new EquivalentMutants(file, Map.of());
        }
        Doc doc = StrictJson.read(file, Doc.class, "equivalent mutants file");
        if (doc == null || doc.equivalent() == null) {
            throw new VhostcheckException(file + ": expected an object with an array \"equivalent\"");
        }
        Map<String, Map<String, Entry>> byTarget = new LinkedHashMap<>();
        for (int k = 0; k < doc.equivalent().size(); k++) {
            Entry e = doc.equivalent().get(k);
            String where = file + ": equivalent[" + k + "]";
            if (e == null || e.id() == null || e.id().isBlank()) {
                throw new VhostcheckException(where + ": missing field 'id' (a generated mutant's id, e.g. translate_desc:2708:>to>=)");
            }
            where = file + ": equivalent mutant " + JsonProblem.cut(e.id());
            if (e.target() == null || !(e.target().equals("both") || Kernels.TARGETS.contains(e.target()))) {
                throw new VhostcheckException(where + ": target must be one of " + String.join(", ", Kernels.TARGETS) + " or both");
            }
            if (e.reason() == null || e.reason().isBlank()) {
                throw new VhostcheckException(where + ": missing field 'reason' (why the mutant cannot change behaviour)");
            }
            for (String t : e.targets()) {
                if (byTarget.computeIfAbsent(t, x -> new LinkedHashMap<>()).putIfAbsent(e.id(), e) != null) {
                    throw new VhostcheckException(where + ": recorded twice for " + t);
                }
            }
        }
        return new EquivalentMutants(file, byTarget);
    }

    /**
     * Every entry for {@code target} must name a mutant the generator gives for it: one that does not (the code, or
     * its line, changed) is stale, one line naming it.
     */
    public EquivalentMutants requireExisting(String target, Collection<String> generatedIds) {
        Set<String> ids = new HashSet<>(generatedIds);
        for (Entry e : byTarget.getOrDefault(target, Map.of()).values()) {
            if (!ids.contains(e.id())) {
                throw new VhostcheckException(file + ": equivalent mutant " + e.id() + " on " + target
                        + " is stale: no generated mutant has that id (did the kernel line change?)");
            }
        }
        return this;
    }
}
