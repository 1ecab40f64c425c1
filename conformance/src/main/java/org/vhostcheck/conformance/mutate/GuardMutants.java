package org.vhostcheck.conformance.mutate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.vhostcheck.conformance.kernel.KernelEdit;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.StrictJson;
import org.vhostcheck.model.VhostcheckException;

/**
 * The kernel side of every guard (conformance/kernel/guard-mutants.json): for each guard of spec/guards.json
 * that is in a kernel, the mutant(s) that remove it from the real source as its broken model removes it, as
 * small edits (file, function, the text the guard is, what stands there instead). Checked when read: ids
 * unique, every guard known, every (guard, kernel) of guards.json's inKernel covered by a mutant with edits
 * for that kernel, no edit for a kernel the guard is not in.
 */
public final class GuardMutants {
    /** One edit: in {@code kernels}, the text {@code find} of {@code function} in {@code file} becomes {@code replace}. */
    public record Edit(List<String> kernels, String file, String function, String find, String replace) {
    }

    /** A mutant: the guard it removes, what it is in one sentence, its edits (per kernel). */
    public record Mutant(String id, String guard, String what, List<Edit> edits, String note) {
        /** This mutant's edits for one kernel target, as the build applies them. */
        public List<KernelEdit> editsFor(String target) {
            return edits.stream().filter(e -> e.kernels().contains(target))
                    .map(e -> new KernelEdit(id, e.file(), e.function(), e.find(), e.replace())).toList();
        }

        /** The kernel targets this mutant has edits for, in Kernels.TARGETS order. */
        public List<String> targets() {
            return Kernels.TARGETS.stream().filter(t -> edits.stream().anyMatch(e -> e.kernels().contains(t))).toList();
        }
    }

    private record Doc(List<Mutant> mutants) {
    }

    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(@[A-Za-z0-9_]+(:[A-Za-z0-9_]+)?)?");
    private static final Pattern FUNCTION = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_./-]+\\.[ch]");

    private final Path file;
    private final Map<String, Mutant> byId;

    private GuardMutants(Path file, Map<String, Mutant> byId) {
        this.file = file;
        this.byId = byId;
    }

    public static Path defaultFile(Path home) {
        return home.resolve("conformance/kernel/guard-mutants.json");
    }

    public Path file() {
        return file;
    }

    public List<Mutant> all() {
        return List.copyOf(byId.values());
    }

    /** The mutants of one guard; a guard with none is bad input. */
    public List<Mutant> ofGuard(String guard) {
        List<Mutant> out = byId.values().stream().filter(m -> m.guard().equals(guard)).toList();
        if (out.isEmpty()) {
            throw new VhostcheckException(file + ": no mutant of guard '" + JsonProblem.cut(guard) + "' (guards with mutants: "
                    + String.join(", ", new LinkedHashSet<>(byId.values().stream().map(Mutant::guard).toList())) + ")");
        }
        return out;
    }

    public static GuardMutants load(Path file, Guards guards) {
        Doc doc = StrictJson.read(file, Doc.class, "guard mutants file");
        if (doc == null || doc.mutants() == null) {
            throw new VhostcheckException(file + ": expected an object with an array \"mutants\"");
        }
        Map<String, Mutant> byId = new LinkedHashMap<>();
        if (doc.mutants().isEmpty()) {
            throw new VhostcheckException(file + ": no mutants");
        }
        for (int k = 0; k < doc.mutants().size(); k++) {
            Mutant m = doc.mutants().get(k);
            String where = file + ": mutants[" + k + "]";
            if (m == null || m.id() == null || !ID.matcher(m.id()).matches()) {
                throw new VhostcheckException(where + ": id must be a name, or name@function (e.g. CarryChecked@vhost_overflow)");
            }
            where = file + ": mutant " + m.id();
            if (byId.containsKey(m.id())) {
                throw new VhostcheckException(where + ": duplicate id");
            }
            if (m.guard() == null) {
                throw new VhostcheckException(where + ": missing field 'guard'");
            }
            Guards.Guard g = guards.find(m.guard()).orElseThrow(() -> new VhostcheckException(file + ": mutant " + m.id()
                    + ": no guard named '" + JsonProblem.cut(m.guard()) + "' in " + guards.file().getFileName()));
            if (m.what() == null || m.what().isBlank()) {
                throw new VhostcheckException(where + ": missing field 'what' (the removed check in one sentence)");
            }
            if (m.edits() == null || m.edits().isEmpty()) {
                throw new VhostcheckException(where + ": no edits");
            }
            for (int j = 0; j < m.edits().size(); j++) {
                Edit e = m.edits().get(j);
                String w = where + ": edits[" + j + "]";
                if (e == null || e.kernels() == null || e.kernels().isEmpty()) {
                    throw new VhostcheckException(w + ": missing field 'kernels'");
                }
                for (String t : e.kernels()) {
                    if (!g.inKernel().contains(t)) {
                        throw new VhostcheckException(w + ": kernel '" + JsonProblem.cut(t) + "' is not one guard " + g.name()
                                + " is in (inKernel: " + String.join(", ", g.inKernel()) + ")");
                    }
                }
                if (e.file() == null || !FILE.matcher(e.file()).matches() || e.file().startsWith("/") || e.file().contains("..")) {
                    throw new VhostcheckException(w + ": file must be a .c or .h path in the kernel tree (e.g. drivers/vhost/vhost.c)");
                }
                if (e.function() == null || !FUNCTION.matcher(e.function()).matches()) {
                    throw new VhostcheckException(w + ": function must be a C identifier");
                }
                if (e.find() == null || e.find().isEmpty()) {
                    throw new VhostcheckException(w + ": find must be the exact text of the guard in the function");
                }
                if (e.replace() == null) {
                    throw new VhostcheckException(w + ": missing field 'replace' (\"\" removes the text)");
                }
                if (e.find().equals(e.replace())) {
                    throw new VhostcheckException(w + ": replace equals find: the edit changes nothing");
                }
            }
            byId.put(m.id(), m);
        }
        Set<String> known = Set.copyOf(Kernels.TARGETS);
        for (Mutant m : byId.values()) {
            for (Edit e : m.edits()) {
                for (String t : e.kernels()) {
                    if (!known.contains(t)) {
                        throw new VhostcheckException(file + ": mutant " + m.id() + ": unknown kernel target '" + t + "'");
                    }
                }
            }
        }
        return new GuardMutants(file, byId);
    }

    /** The project's catalogue must cover every (guard, kernel) that spec/guards.json says is in a kernel. */
    public GuardMutants requireEveryGuard(Guards guards) {
        List<String> missing = new ArrayList<>();
        for (Guards.Guard g : guards.all()) {
            for (String t : g.inKernel()) {
                boolean has = byId.values().stream().anyMatch(m -> m.guard().equals(g.name()) && m.targets().contains(t));
                if (!has) {
                    missing.add(g.name() + " on " + t);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new VhostcheckException(file + ": no mutant for guard " + String.join(", ", missing)
                    + " (spec/guards.json says the kernel has it)");
        }
        return this;
    }
}
