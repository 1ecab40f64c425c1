package org.vhostcheck.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Broken twins made from the proven source itself, so that a twin is by construction the original with
 * exactly one guard deleted. A guard is marked in the proven class by two comment lines around it:
 * <pre>
 *     //+ IotlbNoPermCheck.translate[0]: the walk without !(map->perm &amp; access)
 *     if (...) { return EPERM; }
 *     //- IotlbNoPermCheck
 * </pre>
 * The twin {@code IotlbNoPermCheck} is the whole class with the lines from {@code //+} to {@code //-}
 * deleted and the class renamed; every other marker stays a comment. Only the named contract case of the
 * named method is proven for a twin (its other contracts are the original's, proven there).
 */
public final class Twins {

    /** One twin: its class (fully qualified), the method and contract case to prove, why it is broken. */
    public record Twin(String className, String method, int contractCase, String why, Path file) {
    }

    private static final Pattern BEGIN = Pattern.compile("^\\s*//\\+\\s*(\\w+)\\.(\\w+)\\[(\\d+)\\]:\\s*(\\S.*)$");
    private static final Pattern END = Pattern.compile("^\\s*//-\\s*(\\w+)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^\\s*//[+-]");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;");

    private Twins() {
    }

    /**
     * Copies {@code sourceDir} to {@code outDir} (emptied first) and writes every twin marked in it next to
     * its original. Returns the twins found, by class name. A malformed marker is one line naming file:line.
     */
    public static Map<String, Twin> generate(Path sourceDir, Path outDir) throws KeyLoadException {
        if (!Files.isDirectory(sourceDir)) {
            throw new KeyLoadException(sourceDir + ": no such source folder");
        }
        Map<String, Twin> twins = new LinkedHashMap<>();
        try {
            clear(outDir);
            List<Path> files;
            try (Stream<Path> s = Files.walk(sourceDir)) {
                files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            }
            for (Path f : files) {
                Path dst = outDir.resolve(sourceDir.relativize(f).toString());
                Files.createDirectories(dst.getParent());
                Files.copy(f, dst);
            }
            for (Path f : files) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (Twin t : twinsOf(f, lines, outDir.resolve(sourceDir.relativize(f).toString()).getParent())) {
                    if (twins.containsKey(t.className())) {
                        throw new KeyLoadException(f + ": twin " + t.className() + " is marked in two files");
                    }
                    twins.put(t.className(), t);
                }
            }
        } catch (IOException e) {
            throw new KeyLoadException(outDir + ": cannot write the twin sources: " + e.getMessage());
        }
        return twins;
    }

    /** The twins marked in one file, written into {@code dir}. */
    private static List<Twin> twinsOf(Path file, List<String> lines, Path dir) throws KeyLoadException, IOException {
        String original = file.getFileName().toString().replaceFirst("\\.java$", "");
        String pkg = null;
        Map<String, int[]> spans = new LinkedHashMap<>();
        Map<String, Matcher> heads = new LinkedHashMap<>();
        String openTwin = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher p = PACKAGE.matcher(line);
            if (pkg == null && p.find()) {
                pkg = p.group(1);
            }
            Matcher b = BEGIN.matcher(line);
            Matcher e = END.matcher(line);
            if (b.matches()) {
                if (openTwin != null) {
                    throw bad(file, i, "twin " + b.group(1) + " begins inside twin " + openTwin);
                }
                if (spans.containsKey(b.group(1))) {
                    throw bad(file, i, "twin " + b.group(1) + " is marked twice");
                }
                openTwin = b.group(1);
                spans.put(openTwin, new int[] {i, -1});
                heads.put(openTwin, b);
            } else if (e.matches()) {
                if (!e.group(1).equals(openTwin)) {
                    throw bad(file, i, "//- " + e.group(1) + " closes no open twin"
                            + (openTwin == null ? "" : " (open: " + openTwin + ")"));
                }
                spans.get(openTwin)[1] = i;
                openTwin = null;
            } else if (MARKER.matcher(line).find()) {
                throw bad(file, i, "a twin marker is '//+ Twin.method[case]: why' or '//- Twin'");
            }
        }
        if (openTwin != null) {
            throw bad(file, spans.get(openTwin)[0], "twin " + openTwin + " has no closing '//- " + openTwin + "'");
        }
        List<Twin> out = new ArrayList<>();
        for (Map.Entry<String, int[]> s : spans.entrySet()) {
            String name = s.getKey();
            int[] span = s.getValue();
            if (span[1] == span[0] + 1) {
                throw bad(file, span[0], "twin " + name + " deletes nothing");
            }
            Matcher h = heads.get(name);
            StringBuilder text = new StringBuilder();
            text.append("// Generated from ").append(original).append(".java by org.vhostcheck.key.Twins (not committed): ")
                    .append(h.group(4)).append('\n');
            for (int i = 0; i < lines.size(); i++) {
                if (i < span[0] || i > span[1]) {
                    text.append(lines.get(i).replaceAll("\\b" + Pattern.quote(original) + "\\b", name)).append('\n');
                }
            }
            Path dst = dir.resolve(name + ".java");
            if (Files.exists(dst)) {
                throw bad(file, span[0], "twin " + name + " is already a class of its own");
            }
            Path tmp = dir.resolve(name + ".java.tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, dst);
            out.add(new Twin(pkg == null ? name : pkg + "." + name, h.group(2), Integer.parseInt(h.group(3)), h.group(4), dst));
        }
        return out;
    }

    private static KeyLoadException bad(Path file, int line, String what) {
        return new KeyLoadException(file + ":" + (line + 1) + ": " + what);
    }

    private static void clear(Path dir) throws IOException {
        remove(dir);
        Files.createDirectories(dir);
    }

    private static void remove(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Removes a generated folder and everything in it; a failure to remove leaves it in target/, harmless. */
    public static void delete(Path dir) {
        try {
            remove(dir);
        } catch (IOException e) {
            // left behind under target/: mvn clean removes it
        }
    }
}
