package org.vhostcheck.conformance.mutate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.Replayer;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Claims;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.StrictJson;
import org.vhostcheck.model.VhostcheckException;

/**
 * claims/patches/patches.json: what each of the project's kernel patches must do to a kernel, checked by
 * {@code vhostcheck review --patches}. An entry applies its patches (in order) to one target's pinned tree and expects:
 * today's model {@code changes} replays through the base kernel with no divergence and through the patched one with
 * some, the first at action {@code firstAction}; the model {@code equals} (the fix's, or a claim's broken model)
 * replays through the patched kernel with no divergence; and no other model of today's kernel of that target changes
 * (every one whose spec the patched parts build is replayed through both), except those named in {@code alsoChanges},
 * which must change too. An entry without {@code changes} says {@code why} no model of today's kernel can show the
 * change. An entry with a {@code limit} is one where that is known not to hold, with the reason: it is run all the same, and a limit that no longer holds is reported.
 */
public final class PatchCatalogue {
    /** One entry as the file has it. */
    public record Entry(String id, List<String> patches, String target, List<String> claims, String changes, String firstAction,
                        List<String> alsoChanges, String equals, String why, String limit) {
        public Entry {
            alsoChanges = alsoChanges == null ? List.of() : alsoChanges;
        }
    }

    record Doc(List<Entry> entries) {
    }

    /** The outcome of one entry. */
    public record Outcome(Entry entry, PatchReview.Result review, long equalsTransitions, Divergence equalsFirst,
                          boolean asExpected, String why) {
    }

    private final Path file;
    private final Map<String, Entry> byId;

    private PatchCatalogue(Path file, Map<String, Entry> byId) {
        this.file = file;
        this.byId = byId;
    }

    public static Path defaultFile(Path home) {
        return home.resolve("claims/patches/patches.json");
    }

    public List<Entry> all() {
        return List.copyOf(byId.values());
    }

    public Path file() {
        return file;
    }

    /** Reads and checks the catalogue: every patch file, target, claim and model it names exists. */
    public static PatchCatalogue load(Path home, Path file, Manifest manifest) {
        Doc doc = StrictJson.read(file, Doc.class, "patch catalogue");
        if (doc == null || doc.entries() == null || doc.entries().isEmpty()) {
            throw new VhostcheckException(file + ": expected an object with a non-empty array \"entries\"");
        }
        Map<String, Entry> byId = new LinkedHashMap<>();
        List<Claims.Claim> claims = Claims.loadAll(Claims.defaultDir(home), manifest);
        for (int k = 0; k < doc.entries().size(); k++) {
            Entry e = doc.entries().get(k);
            if (e == null || e.id() == null || e.id().isBlank()) {
                throw new VhostcheckException(file + ": entries[" + k + "]: missing field 'id'");
            }
            String where = file + ": entry " + JsonProblem.cut(e.id());
            if (byId.containsKey(e.id())) {
                throw new VhostcheckException(where + ": duplicate id");
            }
            if (e.patches() == null || e.patches().isEmpty()) {
                throw new VhostcheckException(where + ": missing field 'patches' (file names in " + file.getParent() + ")");
            }
            for (String p : e.patches()) {
                if (p == null || p.contains("/") || !Files.isRegularFile(file.resolveSibling(p))) {
                    throw new VhostcheckException(where + ": no patch file '" + JsonProblem.cut(String.valueOf(p)) + "' beside " + file.getFileName());
                }
            }
            if (e.target() == null || !Kernels.TARGETS.contains(e.target())) {
                throw new VhostcheckException(where + ": target must be one of " + String.join(", ", Kernels.TARGETS));
            }
            if (e.claims() == null || e.claims().isEmpty()) {
                throw new VhostcheckException(where + ": missing field 'claims' (ids of claims in claims/, e.g. F001)");
            }
            for (String id : e.claims()) {
                if (claims.stream().noneMatch(c -> c.id().equals(id))) {
                    throw new VhostcheckException(where + ": no claim '" + JsonProblem.cut(String.valueOf(id)) + "' in claims/");
                }
            }
            if (e.equals() == null) {
                throw new VhostcheckException(where + ": missing field 'equals'");
            }
            if ((e.changes() == null) != (e.firstAction() == null)) {
                throw new VhostcheckException(where + ": 'changes' and 'firstAction' go together");
            }
            if (e.changes() == null && e.why() == null) {
                throw new VhostcheckException(where + ": without 'changes', say 'why' no model of today's kernel shows the change");
            }
            if (!e.alsoChanges().isEmpty() && e.changes() == null) {
                throw new VhostcheckException(where + ": 'alsoChanges' needs 'changes'");
            }
            for (String[] m : new String[][] {{"changes", e.changes()}, {"equals", e.equals()}}) {
                if (m[1] != null) {
                    model(manifest, where, m[0], m[1]);
                }
            }
            for (String a : e.alsoChanges()) {
                Manifest.Entry x = model(manifest, where, "alsoChanges", String.valueOf(a));
                if (!(x.today() && x.kernels().contains(e.target()))) {
                    throw new VhostcheckException(where + ": alsoChanges: '" + a + "' is not a model of today's " + e.target());
                }
            }
            if (e.firstAction() != null && !e.firstAction().matches("[A-Z][A-Za-z0-9]*")) {
                throw new VhostcheckException(where + ": firstAction must be a spec action name (e.g. LogWrite)");
            }
            byId.put(e.id(), e);
        }
        return new PatchCatalogue(file, byId);
    }

    private static Manifest.Entry model(Manifest manifest, String where, String field, String name) {
        return manifest.entries().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new VhostcheckException(where + ": " + field + ": no model '" + JsonProblem.cut(name) + "' in spec/manifest.json"));
    }

    /** The entries of one target (null: all). */
    public List<Entry> of(String target) {
        return byId.values().stream().filter(e -> target == null || e.target().equals(target)).toList();
    }

    /**
     * Runs one entry: the review of its patches on every model of today's kernel of the target (the one it changes,
     * and the others, which must not change), then its equals model through the patched kernel.
     */
    public static Outcome run(Path home, Entry e, Consumer<String> progress) {
        Path dir = defaultFile(home).getParent();
        List<Path> patches = e.patches().stream().map(dir::resolve).toList();
        Mutation today = new Mutation(home, progress, null);
        List<String> models = new ArrayList<>(today.todaysModels(e.target()).stream().map(Manifest.Entry::name).toList());
        if (e.changes() != null && !models.contains(e.changes())) {
            models.add(e.changes());
        }
        if (models.isEmpty()) {
            models.add(e.equals());
        }
        PatchReview review = new PatchReview(home, progress, models, false);
        PatchReview.Result r = review.review(patches, e.target());
        List<String> why = new ArrayList<>();
        for (PatchReview.ModelChange o : r.models()) {
            if (o.firstChange() != null && !o.model().equals(e.changes()) && !e.alsoChanges().contains(o.model())) {
                why.add(o.model() + " changes too (first at " + o.firstChange().action() + " " + o.firstChange().field()
                        + "): the patch changes more than the entry says");
            }
        }
        for (String a : e.alsoChanges()) {
            PatchReview.ModelChange o = r.models().stream().filter(m -> m.model().equals(a)).findFirst().orElse(null);
            if (o == null) {
                why.add(a + " (alsoChanges) was not replayed (the patch changes no part of its spec)");
            } else if (o.firstChange() == null) {
                why.add(a + " (alsoChanges) does not change on the patched kernel");
            }
        }
        PatchReview.ModelChange c = r.models().stream().filter(m -> m.model().equals(e.changes())).findFirst().orElse(null);
        if (e.changes() == null) {
            // nothing to compare: the entry says why (e.g. today's model stops the base kernel under ASan)
        } else if (c == null) {
            why.add(e.changes() + " was not replayed (the patch changes no part of its spec)");
        } else {
            if (c.divergencesBase() != 0) {
                why.add(e.changes() + " diverges on the base kernel (" + c.divergencesBase() + ")");
            }
            if (c.divergencesPatched() == 0) {
                why.add(e.changes() + " does not change on the patched kernel");
            } else if (c.firstChange() == null || !e.firstAction().equals(c.firstChange().action())) {
                why.add(e.changes() + " first changes at " + (c.firstChange() == null ? "no step" : c.firstChange().action())
                        + ", not at " + e.firstAction());
            }
        }
        Mutation.Suite s = today.exportOf(today.manifest().select(List.of(e.equals()), true).get(0));
        long n = 0;
        Divergence first = null;
        for (Path t : s.traces()) {
            progress.accept("review --patches " + e.id() + ": replaying " + t.getFileName() + " (" + e.equals() + ") through the patched " + e.target() + " ...");
            SuiteResult sr = Replayer.replay(t, e.target(), r.build(), true);
            n += sr.transitions();
            if (!sr.divergences().isEmpty()) {
                first = sr.divergences().get(0);
                why.add(e.equals() + " diverges on the patched kernel: " + t.getFileName() + ":" + first.line() + " " + first.action()
                        + " " + first.field() + ": model " + first.expected() + ", kernel " + first.actual());
                break;
            }
        }
        boolean met = why.isEmpty();
        if (e.limit() != null) {
            return new Outcome(e, r, n, first, !met, met ? "the recorded limit no longer holds: every expectation is met (drop 'limit')"
                    : "known limit: " + e.limit() + " (" + String.join("; ", why) + ")");
        }
        return new Outcome(e, r, n, first, met, met ? null : String.join("; ", why));
    }
}
