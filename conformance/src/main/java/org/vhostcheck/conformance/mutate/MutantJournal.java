package org.vhostcheck.conformance.mutate;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.vhostcheck.model.VhostcheckException;

/**
 * The generated mutants' outcomes as they end, one JSON line each, in {@code target/results/journal/}: a run of hours
 * that stops (a reboot, an interrupt) goes on where it was. The journal is named by a key of everything an outcome
 * depends on: the sources of the code that runs, the specs, the kernel harness sources and the pinned versions, the
 * models the run is restricted to; another key is another journal, never a stale outcome.
 */
public final class MutantJournal {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Mutation.Result> done = new HashMap<>();
    private BufferedWriter out;

    private MutantJournal(Path file) {
        this.file = file;
    }

    /**
     * The journal of a run over {@code home} restricted to {@code models} (null: all), read back if it exists and
     * {@code read} (a run that measures itself, bench, reads nothing and appends what it runs).
     */
    public static MutantJournal open(Path home, List<String> models, boolean read) {
        String key = key(home, models);
        Path f = home.resolve("target/results/journal").resolve("generated-mutants-" + key.substring(0, 16) + ".ndjson");
        MutantJournal j = new MutantJournal(f);
        if (read && Files.isRegularFile(f)) {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    try {
                        Mutation.Result r = JSON.readValue(line, Mutation.Result.class);
                        j.done.put(id(r.id(), r.target()), r);
                    } catch (IOException x) {
                        // the line a stopped run was writing: that mutant runs again
                    }
                }
            } catch (IOException x) {
                throw new VhostcheckException(f + ": cannot read the journal: " + x.getMessage());
            }
        }
        return j;
    }

    public Path file() {
        return file;
    }

    /** How many outcomes the journal held when opened (or has had added since). */
    public synchronized int size() {
        return done.size();
    }

    /** Whether the journal has the mutant's outcome. */
    public synchronized boolean has(GeneratedMutants.Mutant m) {
        return done.containsKey(id(m.id(), m.target()));
    }

    /** The outcome of the mutant from the journal, else {@code run}'s, written to the journal before it is returned. */
    public Mutation.Result get(GeneratedMutants.Mutant m, java.util.function.Supplier<Mutation.Result> run) {
        synchronized (this) {
            Mutation.Result r = done.get(id(m.id(), m.target()));
            if (r != null) {
                return r;
            }
        }
        Mutation.Result r = run.get();
        synchronized (this) {
            done.put(id(m.id(), m.target()), r);
            try {
                if (out == null) {
                    Files.createDirectories(file.getParent());
                    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                out.write(JSON.writeValueAsString(r));
                out.newLine();
                out.flush();
            } catch (IOException x) {
                throw new VhostcheckException(file + ": cannot write the journal: " + x.getMessage());
            }
        }
        return r;
    }

    private static String id(String mutant, String target) {
        return mutant + "@" + target;
    }

    /** Everything a generated mutant's outcome depends on, hashed. */
    static String key(Path home, List<String> models) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // the code by its sources (a jar's bytes change with every build), the specs, the harness and the pins
            for (String d : List.of("pom.xml", "model/pom.xml", "model/src/main", "jml-verified/pom.xml", "jml-verified/src/main",
                    "conformance/pom.xml", "conformance/src/main", "cli/pom.xml", "cli/src/main", "spec", "conformance/kernel")) {
                digest(md, home.resolve(d));
            }
            md.update(String.valueOf(models == null ? null : models.stream().sorted().toList()).getBytes(StandardCharsets.UTF_8));
            // the kernel version and the simulation sample a run may be given on the command line or in the test JVM
            for (String k : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
                if (k.startsWith("vhostcheck.kernel.version") || k.startsWith("vhostcheck.simulate")) {
                    md.update((k + "=" + System.getProperty(k) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException x) {
            throw new VhostcheckException("the mutant journal's key: " + x.getMessage());
        }
    }

    private static void digest(MessageDigest md, Path p) throws IOException {
        md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        if (!Files.exists(p)) {
            return;
        }
        if (Files.isRegularFile(p)) {
            md.update(Files.readAllBytes(p));
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                md.update(p.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
        }
    }
}
