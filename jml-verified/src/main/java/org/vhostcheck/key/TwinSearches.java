package org.vhostcheck.key;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The outcomes of twin searches, kept by everything the search depends on: the bytes of every source KeY loads (the
 * twins generated among them), the contract, the pinned choices, strategy, its properties and step budget, and the
 * KeY jar. KeY's automatic mode is deterministic on the same inputs, so a second search of the same twin would take
 * the same steps to the same open goals: it is made once, and a JVM that needs it while another searches it waits
 * for that search (a lock beside the outcome) instead of repeating it. A twin is never saved as a proof (it must
 * stay open); this keeps only its verdict, nodes and open goals, under {@code target/results/cache/key/}, never in
 * the repository: a clean checkout searches every twin once. {@code prove --fresh} (and bench) bypass it.
 */
final class TwinSearches {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A search to make when its outcome is not kept. */
    interface Search {
        ProofResult run() throws KeyLoadException;
    }

    private final Path dir;
    private final String sources;

    /** The cache in {@code dir} for the sources KeY loads from {@code loaded}. */
    TwinSearches(Path dir, Path loaded) throws KeyLoadException {
        this.dir = dir;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            tree(md, loaded);
            this.sources = HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new KeyLoadException(loaded + ": cannot read the sources KeY loads: " + e.getMessage());
        }
    }

    /** Every file under {@code dir}, in path order, by its path and bytes. */
    static void tree(MessageDigest md, Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
        }
    }

    static Path defaultDir(Path home) {
        return home.resolve("target").resolve("results").resolve("cache").resolve("key");
    }

    /** The outcome kept for this contract under these settings, else {@code search}'s, kept before it is returned. */
    ProofResult get(String contract, KeySettings s, Consumer<String> progress, Search search) throws KeyLoadException {
        String key = key(contract, s);
        Path out = dir.resolve(key + ".json");
        try {
            Files.createDirectories(dir);
            try (RandomAccessFile lf = new RandomAccessFile(dir.resolve(key + ".lock").toFile(), "rw");
                 FileLock ignored = lf.getChannel().lock()) {
                if (Files.isRegularFile(out)) {
                    ProofResult r = JSON.readValue(out.toFile(), ProofResult.class);
                    progress.accept(String.format(Locale.ROOT, "prove %s [%s] ... %s (%d nodes, %d open goals: this build's search, kept "
                            + "by its inputs in %s)", r.shortName(), r.caseName(), r.result(), r.nodes(), r.openGoals(), out.getFileName()));
                    return r;
                }
                ProofResult r = search.run();
                Path tmp = Files.createTempFile(dir, key, ".tmp");
                JSON.writeValue(tmp.toFile(), r);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return r;
            }
        } catch (IOException e) {
            throw new KeyLoadException(out + ": the twin search cache: " + e.getMessage());
        }
    }

    private String key(String contract, KeySettings s) throws KeyLoadException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String keyJar = Path.of(de.uka.ilkd.key.control.KeYEnvironment.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).getFileName().toString();
            for (String part : List.of(sources, contract, new TreeMap<>(s.choices()).toString(), s.strategyName(),
                    new TreeMap<>(s.strategyProperties()).toString(), Integer.toString(s.maxSteps()),
                    Long.toString(s.timeoutMillis()), keyJar)) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException | java.net.URISyntaxException e) {
            throw new KeyLoadException("the twin search cache key: " + e.getMessage());
        }
    }
}
