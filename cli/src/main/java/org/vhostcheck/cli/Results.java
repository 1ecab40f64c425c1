package org.vhostcheck.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.vhostcheck.model.AtomicFile;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.VhostcheckException;

/**
 * The last result of each section, kept for {@code vhostcheck report}: {@code
 * target/results/<section>.json} holds {"section", "generated", "commit", "data"}, where data is
 * the section's --json document and commit is HEAD of the project root (left out when the root
 * is not a git checkout).
 */
final class Results {
    static final String DIR = "target/results";

    /** The sections of a report, in page order. */
    static final List<String> SECTIONS = List.of("triage", "check", "prove", "conform", "drift", "patches", "mutate",
            "generated-mutants", "coverage");

    /** The array each section's document must hold (what the report reads from it). */
    static final Map<String, String> ITEMS = Map.of("triage", "claims", "check", "models", "prove", "contracts",
            "conform", "suites", "drift", "divergences", "patches", "entries", "mutate", "mutants", "generated-mutants", "mutants",
            "coverage", "targets");

    private static final ObjectReader STRICT = Main.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Results() {
    }

    /** One saved result; {@code commit} is null when it was made outside a git checkout. */
    record Saved(String section, String generated, String commit, ObjectNode data, Path file) {
    }

    static Path file(Path home, String section) {
        return home.resolve(DIR).resolve(section + ".json");
    }

    /** Saves a section's --json document (temp + rename: an earlier result stays whole until then). */
    static Saved save(Path home, Report r) {
        Path f = file(home, r.section());
        String generated = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String commit = commit(home);
        ObjectNode doc = Main.JSON.createObjectNode();
        doc.put("section", r.section());
        doc.put("generated", generated);
        if (commit != null) {
            doc.put("commit", commit);
        }
        doc.set("data", r.json());
        AtomicFile.write(f, doc.toPrettyString() + "\n");
        return new Saved(r.section(), generated, commit, r.json(), f);
    }

    /** Saves the report for {@code vhostcheck report} and returns it (what each command does before printing). */
    static Report saved(Main main, Report r) {
        save(main.home(), r);
        return r;
    }

    /** The saved result of a section, or null if there is none; a file that is not one is bad input. */
    static Saved load(Path home, String section) {
        Path f = file(home, section);
        JsonNode doc;
        try {
            doc = STRICT.readTree(Files.readString(f, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return null;
        } catch (JsonProcessingException e) {
            throw new VhostcheckException(f + ": not valid JSON: " + JsonProblem.of(e));
        } catch (IOException e) {
            throw new VhostcheckException(f + ": cannot read: " + e.getMessage());
        }
        if (doc == null || !doc.isObject()) {
            throw new VhostcheckException(f + ": not a saved result: expected a JSON object");
        }
        if (!section.equals(doc.path("section").asText())) {
            throw new VhostcheckException(f + ": not a saved " + section + " result: \"section\" is "
                    + JsonProblem.cut(doc.path("section").toString(), 40));
        }
        JsonNode data = doc.get("data");
        if (data == null || !data.isObject()) {
            throw new VhostcheckException(f + ": \"data\" must be an object (the " + section + " --json document)");
        }
        String items = ITEMS.get(section);
        if (!data.path(items).isArray()) {
            throw new VhostcheckException(f + ": data." + items + " must be an array");
        }
        for (JsonNode item : data.get(items)) {
            if (!item.isObject()) {
                throw new VhostcheckException(f + ": data." + items + " must hold objects, not "
                        + JsonProblem.cut(item.toString(), 40));
            }
        }
        if (!doc.path("generated").isTextual()) {
            throw new VhostcheckException(f + ": \"generated\" must be a time stamp (a string)");
        }
        JsonNode commit = doc.get("commit");
        return new Saved(section, doc.get("generated").asText(),
                commit == null || commit.isNull() ? null : commit.asText(), (ObjectNode) data, f);
    }

    /** HEAD of the git checkout at home, or null (not a checkout, no git). */
    static String commit(Path home) {
        Process p = null;
        try {
            p = new ProcessBuilder("git", "rev-parse", "--verify", "-q", "HEAD").directory(home.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(200), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.matches("[0-9a-f]{40,64}") ? out : null;
        } catch (IOException e) {
            return null; // no git: the result is kept without a commit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (p != null) {
                p.destroy();
            }
        }
    }
}
