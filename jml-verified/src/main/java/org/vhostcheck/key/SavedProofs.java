package org.vhostcheck.key;

import de.uka.ilkd.key.nparser.ProofReplayer;
import de.uka.ilkd.key.proof.Proof;
import de.uka.ilkd.key.proof.init.ProblemInitializer;
import de.uka.ilkd.key.proof.init.ProofOblInput;
import de.uka.ilkd.key.proof.ProofAggregate;
import de.uka.ilkd.key.proof.io.GZipProofSaver;
import de.uka.ilkd.key.proof.io.IntermediatePresentationProofFileParser;
import de.uka.ilkd.key.proof.io.IntermediateProofReplayer;
import de.uka.ilkd.key.util.KeYConstants;
import de.uka.ilkd.key.util.ProgressMonitor;
import org.antlr.v4.runtime.CharStreams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * KeY's own proof files of the closed contracts, kept in {@code jml-verified/saved-proofs/} so that a run
 * re-checks a proof instead of searching for it again. A saved proof is only a list of rule applications:
 * KeY replays every one of them on the proof obligation it builds from today's sources, so a replay that
 * closes is a proof of today's contract, checked rule by rule. A saved proof that no longer fits (a
 * contract, the code or KeY changed) leaves goals open and the contract is searched as if nothing were
 * saved; broken twins are never saved or replayed (their staying open must come from the search).
 */
public final class SavedProofs {

    /** What a run does with the saved proofs. */
    public enum Mode {
        /** Replay a saved proof where one exists, search the rest (the default). */
        REPLAY,
        /** Search every contract, ignore and keep the saved proofs ({@code --fresh}, bench). */
        FRESH,
        /** Search every contract and save each closed one ({@code vhostcheck prove --save}). */
        SAVE
    }

    private static final Pattern PROOF_SECTION = Pattern.compile("(?m)^\\\\proof\\s*\\{");

    private SavedProofs() {
    }

    /** {@code <home>/jml-verified/saved-proofs}. */
    public static Path defaultDir(Path home) {
        return home.resolve("jml-verified").resolve("saved-proofs");
    }

    /**
     * The file of one contract: readable class and method, and a digest of KeY's full contract name (which
     * holds the parameter types and the case) so that overloads and cases never share a file.
     */
    public static Path file(Path dir, String className, String method, String contract) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        String m = method.replaceAll("[^A-Za-z0-9_]", "_");
        return dir.resolve(simple + "." + m + "." + digest(contract) + ".proof.gz");
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One line per contract case that closed by KeY's search although it could have been re-checked from a saved
     * proof: none is saved, or the saved one no longer fits today's sources. The build holds every closed case to
     * this (a search costs up to 10 times its replay) and names the command that saves it.
     */
    public static java.util.List<String> notReplayed(java.util.List<ProofResult> results) {
        return results.stream().filter(r -> r.closed() && !r.replayed())
                .map(r -> r.shortName() + " [" + r.caseName() + "]: closed by search, not by a saved proof"
                        + (r.how().startsWith(ProofResult.SEARCHED + " (") ? r.how().substring(ProofResult.SEARCHED.length())
                        : " (none saved)") + "; save it with ./vhostcheck prove --save --only '"
                        + (r.className() + "." + r.method()).replace(".", "\\.")
                        + "$'")
                .toList();
    }

    /** The saved proofs in {@code dir} that none of {@code results} (a run over every contract) has. */
    public static java.util.List<Path> orphans(Path dir, java.util.List<ProofResult> results) throws KeyLoadException {
        java.util.Set<Path> known = new java.util.HashSet<>();
        results.forEach(r -> known.add(file(dir, r.className(), r.method(), r.contract())));
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".proof.gz") && !known.contains(f)).sorted().toList();
        } catch (IOException e) {
            throw new KeyLoadException(dir + ": cannot list: " + e.getMessage());
        }
    }

    /** Removes one saved proof. */
    public static void delete(Path file) throws KeyLoadException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new KeyLoadException(file + ": cannot remove: " + e.getMessage());
        }
    }

    /** Writes a closed proof in KeY's format, gzipped. */
    static void save(Proof proof, Path file) throws KeyLoadException {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            String error = new GZipProofSaver(proof, tmp.toString(), KeYConstants.INTERNAL_VERSION).save();
            if (error != null) {
                throw new KeyLoadException(file + ": KeY cannot save the proof: " + error);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KeyLoadException(file + ": cannot write the saved proof: " + e.getMessage());
        }
    }

    /**
     * Replays the rule applications of {@code file} on {@code proof} (freshly created from today's proof
     * obligation). Returns null when the replay ran (whether or not it closed the proof: the caller looks),
     * else why it could not (unreadable file, no proof section, a parse error).
     */
    static String replay(Proof proof, Path file) {
        String text;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return file + ": cannot read: " + e.getMessage();
        }
        Matcher m = PROOF_SECTION.matcher(text);
        if (!m.find()) {
            return file + ": no \\proof section";
        }
        int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
        try {
            IntermediatePresentationProofFileParser parser = new IntermediatePresentationProofFileParser(proof);
            ProofReplayer.run(CharStreams.fromString(text.substring(m.start() + "\\proof".length())), parser, line,
                    file.toUri());
            IntermediatePresentationProofFileParser.Result parsed = parser.getResult();
            // the loader is only used to word exceptions; without one KeY still collects them in the result
            new IntermediateProofReplayer(null, proof, parsed).replay(QUIET, ProgressMonitor.Empty.getInstance());
            return null;
        } catch (RuntimeException e) {
            return file + ": " + KeyProver.message(e);
        }
    }

    private static final ProblemInitializer.ProblemInitializerListener QUIET =
            new ProblemInitializer.ProblemInitializerListener() {
                @Override
                public void proofCreated(ProblemInitializer sender, ProofAggregate proofAggregate) {
                }

                @Override
                public void progressStarted(Object sender) {
                }

                @Override
                public void progressStopped(Object sender) {
                }

                @Override
                public void reportStatus(Object sender, String status, int progress) {
                }

                @Override
                public void reportStatus(Object sender, String status) {
                }

                @Override
                public void resetStatus(Object sender) {
                }

                @Override
                public void reportException(Object sender, ProofOblInput input, Exception e) {
                }
            };
}
