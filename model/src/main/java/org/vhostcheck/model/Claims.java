package org.vhostcheck.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * claims/*.json: one vulnerability claim or finding each, with the model and invariant that
 * decide it. Read strictly (the files are input: an unknown or misspelt field is an error, not
 * ignored); every problem is one line naming the file and the field.
 */
public final class Claims {
    /**
     * What triage computes (vhostcheck triage): CONFIRMED, REFUTED, NOT MODELLED, or INCONCLUSIVE when the evidence
     * does not reach either (e.g. the invariant holds at the bounds but no KeY contract covers the guard). A claim
     * file's expectedVerdict is one of them, for regression only.
     */
    public static final Set<String> VERDICTS = Set.of("CONFIRMED", "REFUTED", "NOT MODELLED", "INCONCLUSIVE");

    /**
     * A claim the project once made and took back (kept for its history): its "withdrawn" note says
     * what showed it wrong, and its model must now refute it.
     */
    public static final String WITHDRAWN = "withdrawn";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern INVARIANT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One claim file; the field names are those of the JSON. */
    public record Claim(String id, String kind, String title, String source, String claim, String kernelCode,
                        String example, String model, String invariant, String reproduce, String fixedModel,
                        String proposedFix, String proof, String impact, List<String> versions,
                        String expectedVerdict, String withdrawn, String brokenModel, String guard,
                        String notModelled, List<String> assumesFixed, List<String> proofs) {
        /** The model that shows the claimed bug: the broken model, or today's model itself for a finding. */
        public String reproducingModel() {
            return brokenModel != null ? brokenModel : model;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION) // messages name the file, not its text
            .build();

    private Claims() {
    }

    public static Path defaultDir(Path home) {
        return home.resolve("claims");
    }

    /**
     * Every claims/*.json in name order; ids must be unique, and with a manifest the models each
     * claim names must be in it.
     */
    public static List<Claim> loadAll(Path dir, Manifest manifest) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(dir + ": no such claims folder");
        } catch (IOException e) {
            throw new VhostcheckException(dir + ": cannot list: " + e.getMessage());
        }
        List<Claim> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Path f : files) {
            Claim c = load(f);
            if (manifest != null) {
                checkModels(f, c, manifest);
            }
            if (!ids.add(c.id())) {
                throw new VhostcheckException(f + ": id '" + c.id() + "' is used by another claim file too");
            }
            out.add(c);
        }
        for (int k = 0; k < out.size(); k++) {
            Claim c = out.get(k);
            for (String id : c.assumesFixed() == null ? List.<String>of() : c.assumesFixed()) {
                if (!ids.contains(id) || id.equals(c.id())) {
                    throw new VhostcheckException(files.get(k) + ": field 'assumesFixed': '" + JsonProblem.cut(id)
                            + "' is not another claim's id");
                }
            }
        }
        return out;
    }

    /** As {@link #loadAll(Path, Manifest)}, and every guard a claim names must be in spec/guards.json. */
    public static List<Claim> loadAll(Path dir, Manifest manifest, Guards guards) {
        List<Claim> out = loadAll(dir, manifest);
        for (Claim c : out) {
            if (c.guard() != null && guards.find(c.guard()).isEmpty()) {
                throw new VhostcheckException(fileOf(dir, c) + ": field 'guard': no guard named '"
                        + JsonProblem.cut(c.guard()) + "' in " + guards.file().getFileName() + " (known: "
                        + String.join(", ", guards.all().stream().map(Guards.Guard::name).toList()) + ")");
            }
        }
        return out;
    }

    /** The file a loaded claim came from (ids are unique, so the first file with that id). */
    private static Path fileOf(Path dir, Claim c) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                if (load(f).id().equals(c.id())) {
                    return f;
                }
            }
        } catch (IOException e) {
            // fall through: name the folder
        }
        return dir;
    }

    /** Reads and validates one claim file. */
    public static Claim load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(file + ": no such claim file");
        } catch (IOException e) {
            throw new VhostcheckException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, bytes);
    }

    /** Parses and validates the bytes of a claim file named {@code file} (for messages). */
    public static Claim parse(Path file, byte[] bytes) {
        Claim c;
        try {
            c = JSON.readValue(bytes, Claim.class);
        } catch (UnrecognizedPropertyException e) {
            throw new VhostcheckException(file + ": unknown field '" + JsonProblem.cut(e.getPropertyName()) + "' (known: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "))
                    + ")");
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new VhostcheckException(file + ": " + (field.isEmpty() ? "" : "field '" + JsonProblem.cut(field) + "': ")
                    + JsonProblem.of(e));
        } catch (JsonProcessingException e) {
            throw new VhostcheckException(file + ": not valid JSON: " + JsonProblem.of(e));
        } catch (IOException e) {
            throw new VhostcheckException(file + ": cannot read: " + e.getMessage());
        }
        if (c == null) {
            throw new VhostcheckException(file + ": expected a JSON object, found null");
        }
        required(file, "id", c.id());
        required(file, "kind", c.kind());
        required(file, "title", c.title());
        required(file, "claim", c.claim());
        required(file, "expectedVerdict", c.expectedVerdict());
        if (c.notModelled() != null) {
            required(file, "notModelled", c.notModelled());
            for (String[] f : new String[][] {{"model", c.model()}, {"invariant", c.invariant()},
                    {"brokenModel", c.brokenModel()}, {"fixedModel", c.fixedModel()}, {"guard", c.guard()}}) {
                if (f[1] != null) {
                    throw new VhostcheckException(file + ": field '" + f[0] + "' contradicts 'notModelled' (a claim no model expresses names no model)");
                }
            }
            if (!"NOT MODELLED".equals(c.expectedVerdict())) {
                throw new VhostcheckException(file + ": a claim with 'notModelled' expects NOT MODELLED, not '"
                        + JsonProblem.cut(c.expectedVerdict()) + "'");
            }
            return c;
        }
        required(file, "model", c.model());
        required(file, "invariant", c.invariant());
        if (!ID.matcher(c.id()).matches()) {
            throw new VhostcheckException(file + ": field 'id': '" + JsonProblem.cut(c.id())
                    + "' is not an id (letters, digits, '_', '.', '-'; at most 64)");
        }
        if (!INVARIANT.matcher(c.invariant()).matches()) {
            throw new VhostcheckException(file + ": field 'invariant': '" + JsonProblem.cut(c.invariant()) + "' is not a TLA+ name");
        }
        if (!VERDICTS.contains(c.expectedVerdict())) {
            throw new VhostcheckException(file + ": field 'expectedVerdict': '" + JsonProblem.cut(c.expectedVerdict())
                    + "' is not one of " + String.join(", ", VERDICTS.stream().sorted().toList()));
        }
        if (WITHDRAWN.equals(c.kind()) != (c.withdrawn() != null)) {
            throw new VhostcheckException(file + ": " + (c.withdrawn() == null
                    ? "kind 'withdrawn' needs a field 'withdrawn' (what showed the claim wrong)"
                    : "field 'withdrawn' belongs to a claim of kind 'withdrawn', not '" + JsonProblem.cut(c.kind()) + "'"));
        }
        if (c.withdrawn() != null) {
            required(file, "withdrawn", c.withdrawn());
            if (c.expectedVerdict().equals("CONFIRMED")) {
                throw new VhostcheckException(file + ": a withdrawn claim cannot expect CONFIRMED");
            }
        }
        if ("NOT MODELLED".equals(c.expectedVerdict())) {
            throw new VhostcheckException(file + ": expectedVerdict NOT MODELLED needs a field 'notModelled' (why no model expresses it)");
        }
        for (String f : new String[] {"brokenModel", "guard"}) {
            String v = f.equals("guard") ? c.guard() : c.brokenModel();
            if (v != null) {
                required(file, f, v);
            }
        }
        if (c.assumesFixed() != null && c.assumesFixed().stream().anyMatch(v -> v == null || v.isBlank())) {
            throw new VhostcheckException(file + ": field 'assumesFixed': every entry must be a claim id");
        }
        if (c.proofs() != null && c.proofs().stream().anyMatch(p -> p == null || !p.matches("[A-Za-z_][\\w.]*\\.[A-Za-z_]\\w*"))) {
            throw new VhostcheckException(file + ": field 'proofs': every entry must be a contract as class.method");
        }
        if (c.versions() != null && c.versions().stream().anyMatch(v -> v == null || v.isBlank())) {
            throw new VhostcheckException(file + ": field 'versions': every entry must be a non-empty string");
        }
        return c;
    }

    /** The manifest models a claim names must exist (model, and brokenModel and fixedModel if given). */
    public static void checkModels(Path file, Claim c, Manifest manifest) {
        List<String> named = new ArrayList<>();
        for (String m : new String[] {c.model(), c.brokenModel(), c.fixedModel()}) {
            if (m != null) {
                named.add(m);
            }
        }
        for (String m : named) {
            if (manifest.entries().stream().noneMatch(e -> e.name().equals(m))) {
                throw new VhostcheckException(file + ": model '" + JsonProblem.cut(m) + "' is not in " + manifest.file().getFileName());
            }
        }
    }

    private static void required(Path file, String field, String value) {
        if (value == null) {
            throw new VhostcheckException(file + ": missing field '" + field + "'");
        }
        if (value.isBlank()) {
            throw new VhostcheckException(file + ": field '" + field + "' must be a non-empty string");
        }
    }
}
