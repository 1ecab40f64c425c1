package org.vhostcheck.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.StrictJson;
import org.vhostcheck.model.VhostcheckException;

/**
 * conformance/coverage.json: why kernel code the suites never run cannot be reached by a model of this scope
 * ("kmalloc failure", "packed ring", "needs a failing copy_from_user"): {@code {"unreached": [{"target", "file",
 * "function", "line", "reason"}]}}, target a kernel target or "both", line absent for the whole function. An untaken
 * branch without a reason fails {@code vhostcheck coverage}; so does a reason that explains nothing any more.
 */
public final class CoverageReasons {
    /** One recorded reason: a line of a function (its untaken branches), or the whole function when line is null. */
    public record Entry(String target, String file, String function, Integer line, String reason) {
        public boolean covers(String t, String f, String fn, int l) {
            return ("both".equals(target) || target.equals(t)) && file.equals(f) && function.equals(fn)
                    && (line == null || line == l);
        }
    }

    private record Doc(List<Entry> unreached) {
    }

    private final Path file;
    private final List<Entry> entries;

    private CoverageReasons(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    public static Path defaultFile(Path home) {
        return home.resolve("conformance/coverage.json");
    }

    public Path file() {
        return file;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The reason recorded for an untaken branch of {@code fn} at {@code line} on {@code target}, or null. */
    public Entry find(String target, String f, String fn, int line) {
        Entry whole = null;
        for (Entry e : entries) {
            if (e.covers(target, f, fn, line)) {
                if (e.line() != null) {
                    return e;
                }
                whole = e;
            }
        }
        return whole;
    }

    /** The file read and checked (every field, known targets); no file: nothing recorded. */
    public static CoverageReasons load(Path file) {
        if (!Files.exists(file)) {
            return new CoverageReasons(file, List.of());
        }
        Doc doc = StrictJson.read(file, Doc.class, "coverage reasons file");
        if (doc == null || doc.unreached() == null) {
            throw new VhostcheckException(file + ": expected an object with an array \"unreached\"");
        }
        List<Entry> out = new ArrayList<>();
        for (int k = 0; k < doc.unreached().size(); k++) {
            Entry e = doc.unreached().get(k);
            String where = file + ": unreached[" + k + "]";
            if (e == null || e.file() == null || e.file().isBlank() || e.function() == null || e.function().isBlank()) {
                throw new VhostcheckException(where + ": needs 'file' (a kernel file, e.g. drivers/vhost/iotlb.c) and 'function'");
            }
            if (e.target() == null || !(e.target().equals("both") || Kernels.TARGETS.contains(e.target()))) {
                throw new VhostcheckException(where + ": target must be one of " + String.join(", ", Kernels.TARGETS) + " or both");
            }
            if (e.line() != null && e.line() < 1) {
                throw new VhostcheckException(where + ": line must be at least 1 (or absent for the whole function)");
            }
            if (e.reason() == null || e.reason().isBlank()) {
                throw new VhostcheckException(where + ": missing field 'reason' (why no model of this scope reaches it)");
            }
            out.add(e);
        }
        return new CoverageReasons(file, List.copyOf(out));
    }
}
