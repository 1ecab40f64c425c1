package org.vhostcheck.conformance.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.vhostcheck.model.VhostcheckException;

/** What a reviewer's unified diff touches, and what the harness parts build (to refuse a patch it cannot see). */
public final class PatchFiles {
    private PatchFiles() {
    }

    /** The kernel files a unified diff changes (its "+++ b/PATH" lines); none: not a unified diff. */
    public static List<String> of(Path patch) {
        List<String> lines;
        try {
            lines = Files.readAllLines(patch, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(patch + ": no such patch file");
        } catch (IOException e) {
            throw new VhostcheckException(patch + ": cannot read: " + e.getMessage());
        }
        Set<String> out = new LinkedHashSet<>();
        for (int k = 0; k < lines.size(); k++) {
            String l = lines.get(k);
            if (l.startsWith("+++ ")) {
                String f = l.substring(4).split("\t")[0].strip();
                if (f.equals("/dev/null")) {
                    throw new VhostcheckException(patch + ":" + (k + 1) + ": the patch deletes a file: only changes to kernel files the harness builds can be reviewed");
                }
                if (!f.startsWith("b/")) {
                    throw new VhostcheckException(patch + ":" + (k + 1) + ": expected a path b/... (git format-patch, applied with -p1), not '" + f + "'");
                }
                out.add(f.substring(2));
            }
        }
        if (out.isEmpty()) {
            throw new VhostcheckException(patch + ": not a unified diff (no '+++ b/...' line)");
        }
        return List.copyOf(out);
    }

    /** Every kernel file some part of {@code target} extracts from, compiles or copies (part.conf). */
    public static List<String> builtFiles(Path kernelDir, String target) {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> parts = Files.list(kernelDir.resolve("parts"))) {
            for (Path p : parts.sorted().toList()) {
                Path conf = p.resolve("part.conf");
                if (!Files.isRegularFile(conf)) {
                    continue;
                }
                for (String line : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
                    String[] w = line.strip().split("\\s+");
                    int k = 0;
                    if (w.length > 0 && w[0].matches("linux-[0-9.]+:")) {
                        if (!w[0].equals(target + ":")) {
                            continue;
                        }
                        k = 1;
                    }
                    if (w.length > k + 1 && List.of("extract", "compile", "header").contains(w[k])) {
                        out.add(w[k + 1]);
                    }
                }
            }
        } catch (IOException e) {
            throw new VhostcheckException(kernelDir + ": cannot read the harness parts: " + e.getMessage());
        }
        return new ArrayList<>(out);
    }
}
