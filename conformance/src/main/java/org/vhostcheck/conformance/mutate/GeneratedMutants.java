package org.vhostcheck.conformance.mutate;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vhostcheck.conformance.kernel.KernelEdit;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.VhostcheckException;

/**
 * The classic operator mutants of every kernel function a harness part builds: the functions the parts extract
 * (the pristine build's units, target/kernel/&lt;target&gt;/gen/&lt;part&gt;/kernel_*.c, each function after its
 * {@code #line N "file"}) and those of the whole kernel files the parts compile (part.conf {@code compile}; the
 * tools/ copies, which are not kernel vhost code, are left out). For each function, in the order of its tokens
 * (comments, strings, preprocessor lines, code under #if/#ifdef, and compile-time operands such as sizeof or
 * __builtin_constant_p left out):
 * <ul>
 * <li>a relational swap: {@code <} to {@code <=}, {@code <=} to {@code <}, {@code >} to {@code >=}, {@code >=} to
 *     {@code >}, {@code ==} to {@code !=}, {@code !=} to {@code ==} ({@code ->}, {@code <<}, {@code >>} are other
 *     tokens);</li>
 * <li>{@code &&} to {@code ||} and back;</li>
 * <li>an integer literal c to c + 1 and to c - 1 (0 to (-1)), not an array size of a declaration;</li>
 * <li>a removed {@code return -E...;} (it becomes {@code ;}) in the body of an if or else;</li>
 * <li>a removed {@code ++x}, {@code x++}, {@code --x}, {@code x--}, {@code x += ...} or {@code x -= ...} statement
 *     inside a loop body.</li>
 * </ul>
 * Each mutant is one {@link KernelEdit}: its {@code find} is the occurrence's line(s), widened by neighbouring
 * lines until the text occurs once in the function as edit.pl delimits it, its {@code replace} the same text with
 * the operator changed. Its id is {@code function:line:operator}, the line the kernel file's, with {@code :k} for
 * the k-th (k &ge; 2) of the same operator on one line, e.g. {@code translate_desc:2450:<to<=}. The order is
 * deterministic: by file, then function line, then place in the function.
 */
public final class GeneratedMutants {

    /** One generated mutant of one kernel target. */
    public record Mutant(String id, String target, String file, String function, int line, String operator, String source,
                         String find, String replace) {
        /** The mutant as the build applies it. */
        public List<KernelEdit> edits() {
            return List.of(new KernelEdit(id, file, function, find, replace));
        }
    }

    /** A kernel function as edit.pl sees it in a build unit: from the line its definition starts on to its closing brace. */
    record Function(String file, String name, String text, int[] lineOf) {
        /** The kernel file's line of an offset in {@link #text}. */
        int line(int offset) {
            return lineOf[offset];
        }
    }

    private static final Pattern LINE = Pattern.compile("(?m)^#line (\\d+) \"([^\"]+)\"\\n");
    private static final Pattern DEFINITION = Pattern.compile("(?m)^(?:[A-Za-z_][^\\n(;]*[\\s*])?([A-Za-z_][A-Za-z0-9_]*)\\([^;{]*\\{");
    private static final Pattern INTEGER = Pattern.compile("(0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)([uUlL]*)");
    private static final Pattern ERRNO = Pattern.compile("E[A-Z0-9]+");
    private static final Set<String> RELATIONAL = Set.of("<", "<=", ">", ">=", "==", "!=");
    private static final Map<String, String> SWAP = Map.of("<", "<=", "<=", "<", ">", ">=", ">=", ">", "==", "!=", "!=", "==",
            "&&", "||", "||", "&&");
    /** Operands the compiler evaluates, never the running code. */
    private static final Set<String> COMPILE_TIME = Set.of("sizeof", "typeof", "__typeof__", "__builtin_constant_p",
            "BUILD_BUG_ON", "BUILD_BUG_ON_MSG", "__same_type", "_Static_assert", "static_assert", "__alignof__", "_Alignof");
    private static final Set<String> KEYWORDS = Set.of("return", "case", "goto", "else", "do", "sizeof", "if", "while", "for",
            "switch", "break", "continue", "default");
    private static final String[] PUNCT = {"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
        "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##"};

    private GeneratedMutants() {
    }

    /**
     * Every generated mutant of one target, from its pristine build (built first if need be; an unavailable target
     * has none). Deterministic: the same build gives the same mutants in the same order.
     */
    public static List<Mutant> generate(Path home, String target) {
        Kernels.Build b = Kernels.build(home, target);
        if (!b.available()) {
            return List.of();
        }
        Path dir = Kernels.workDir(home).resolve(target);
        return generate(dir.resolve("gen"), dir.resolve("src"), compiledFiles(home, target), target);
    }

    /** The kernel functions of a target's pristine build (already built), as {@link #generate(Path, String)} reads them. */
    static List<Function> functions(Path home, String target) {
        Path dir = Kernels.workDir(home).resolve(target);
        return functions(dir.resolve("gen"), dir.resolve("src"), compiledFiles(home, target), target);
    }

    /** The mutants of the functions in the units under {@code gen} and of the whole files {@code compiled} (under {@code src}). */
    static List<Mutant> generate(Path gen, Path src, List<String> compiled, String target) {
        List<Mutant> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Function f : functions(gen, src, compiled, target)) {
            for (Mutant m : mutants(f, target)) {
                int k = seen.merge(m.id(), 1, Integer::sum);
                out.add(k == 1 ? m : new Mutant(m.id() + ":" + k, m.target(), m.file(), m.function(), m.line(), m.operator(),
                        m.source(), m.find(), m.replace()));
            }
        }
        return out;
    }

    /**
     * The kernel functions of a build: each (file, function) once (a function several parts extract is the same
     * text in each), ordered by file and line.
     */
    static List<Function> functions(Path gen, Path src, List<String> compiled, String target) {
        Map<String, Function> byName = new LinkedHashMap<>();
        try {
            List<Path> units = new ArrayList<>();
            if (Files.isDirectory(gen)) {
                try (var parts = Files.list(gen)) {
                    for (Path part : parts.sorted().toList()) {
                        if (!Files.isDirectory(part)) {
                            continue;
                        }
                        try (var us = Files.list(part)) {
                            units.addAll(us.filter(p -> p.getFileName().toString().matches("kernel_\\d+\\.c"))
                                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()
                                            .replaceAll("\\D", "")))).toList());
                        }
                    }
                }
            }
            for (Path u : units) {
                for (Function f : extracted(Files.readString(u, StandardCharsets.UTF_8))) {
                    byName.putIfAbsent(f.file() + " " + f.name(), f);
                }
            }
            for (String file : compiled) {
                for (Function f : whole(file, Files.readString(src.resolve(file), StandardCharsets.UTF_8))) {
                    byName.putIfAbsent(f.file() + " " + f.name(), f);
                }
            }
        } catch (IOException x) {
            throw new VhostcheckException("reading the " + target + " harness build's kernel functions: " + x.getMessage());
        }
        List<Function> fs = new ArrayList<>(byName.values());
        fs.sort(Comparator.comparing(Function::file).thenComparingInt(f -> f.line(0)).thenComparing(Function::name));
        return fs;
    }

    /** The kernel files the parts compile whole for a target (part.conf "compile"), tools/ copies left out. */
    static List<String> compiledFiles(Path home, String target) {
        List<String> out = new ArrayList<>();
        Path parts = home.resolve("conformance/kernel/parts");
        try (var ds = Files.list(parts)) {
            for (Path conf : ds.sorted().map(d -> d.resolve("part.conf")).filter(Files::isRegularFile).toList()) {
                for (String l : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
                    String[] w = l.strip().split("\\s+");
                    int at = 0;
                    if (w.length > 0 && w[0].matches("linux-[0-9.]+:")) {
                        if (!w[0].equals(target + ":")) {
                            continue;
                        }
                        at = 1;
                    }
                    if (w.length == at + 2 && w[at].equals("compile") && !w[at + 1].startsWith("tools/") && !out.contains(w[at + 1])) {
                        out.add(w[at + 1]);
                    }
                }
            }
        } catch (IOException x) {
            throw new VhostcheckException(parts + ": cannot read the harness parts: " + x.getMessage());
        }
        return out;
    }

    /** A deterministic sample of {@code n} mutants spread over the list (every k-th); all when n covers it. */
    public static List<Mutant> sample(List<Mutant> all, int n) {
        if (n <= 0 || n >= all.size()) {
            return all;
        }
        List<Mutant> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all.get((int) ((long) i * all.size() / n)));
        }
        return out;
    }

    // ---- functions as edit.pl sees them ----

    /** The functions of an extracted unit: each after a {@code #line N "file"}. */
    static List<Function> extracted(String unit) {
        List<Function> out = new ArrayList<>();
        Matcher lm = LINE.matcher(unit);
        List<int[]> marks = new ArrayList<>(); // offset after the #line line, its N
        List<String> files = new ArrayList<>();
        while (lm.find()) {
            marks.add(new int[] {lm.end(), Integer.parseInt(lm.group(1))});
            files.add(lm.group(2));
        }
        for (int k = 0; k < marks.size(); k++) {
            int from = marks.get(k)[0];
            Matcher d = DEFINITION.matcher(unit);
            if (!d.find(from)) {
                continue;
            }
            String name = d.group(1);
            Function f = function(unit, name, files.get(k), marks);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** The functions defined in a whole kernel file (kernel style: the name at the start of a line, the body to the first "}" in column 0). */
    static List<Function> whole(String file, String text) {
        List<Function> out = new ArrayList<>();
        Matcher d = DEFINITION.matcher(text);
        int from = 0;
        while (from < text.length() && d.find(from)) {
            Function f = function(text, d.group(1), file, List.of());
            if (f != null && !out.stream().anyMatch(g -> g.name().equals(f.name()))) {
                out.add(f);
            }
            int end = text.indexOf("\n}", d.start());
            from = end < 0 ? text.length() : end + 2;
        }
        return out;
    }

    /** The function {@code name} in a unit exactly as edit.pl finds it: its first definition, to the first "\n}" after. */
    private static Function function(String unit, String name, String file, List<int[]> marks) {
        Matcher m = Pattern.compile("(?m)^(?:[A-Za-z_][^\\n(;]*[\\s*])?" + Pattern.quote(name) + "\\([^;{]*\\{").matcher(unit);
        if (!m.find()) {
            return null;
        }
        int start = m.start();
        int end = unit.indexOf("\n}", start);
        end = end < 0 ? unit.length() : end + 2;
        String text = unit.substring(start, end);
        // the kernel line of each offset: after the last #line before it, else the unit's own line
        int base = 1;
        int baseAt = 0;
        for (int[] mk : marks) {
            if (mk[0] <= start) {
                base = mk[1];
                baseAt = mk[0];
            }
        }
        int line = base + count(unit, baseAt, start, '\n');
        int[] lineOf = new int[text.length() + 1];
        for (int i = 0; i <= text.length(); i++) {
            lineOf[i] = line;
            if (i < text.length() && text.charAt(i) == '\n') {
                line++;
            }
        }
        return new Function(file, name, text, lineOf);
    }

    private static int count(String s, int from, int to, char c) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += s.charAt(i) == c ? 1 : 0;
        }
        return n;
    }

    // ---- tokens ----

    enum Kind { IDENT, NUMBER, PUNCT }

    record Token(Kind kind, String text, int start, int end) {
        boolean is(String s) {
            return text.equals(s);
        }
    }

    /**
     * The tokens of C text: comments, string and character literals, preprocessor lines and the code between
     * {@code #if}/{@code #ifdef} and its {@code #endif} left out (a function's conditional code is compiled or not
     * as the harness's configuration says, e.g. 6.12 vhost_dev_ioctl's CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL block,
     * which it does not compile: a mutant there could change nothing).
     */
    static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        boolean lineStart = true;
        int conditional = 0; // inside #if/#ifdef ... #endif: whether the harness compiles it is its configuration's say
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                lineStart = true;
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
                continue;
            }
            if (lineStart && c == '#') { // a preprocessor line, with its continuations
                int d = i;
                while (i < n && s.charAt(i) != '\n') {
                    i += s.charAt(i) == '\\' && i + 1 < n && s.charAt(i + 1) == '\n' ? 2 : 1;
                }
                String directive = s.substring(d + 1, i).strip();
                if (directive.startsWith("if")) {
                    conditional++;
                } else if (directive.startsWith("endif") && conditional > 0) {
                    conditional--;
                }
                continue;
            }
            lineStart = false;
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int e = s.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
                continue;
            }
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(n, j + 1);
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                // L"..." / u8"..." string prefixes are not in these files; an identifier is an identifier
                if (conditional == 0) {
                    out.add(new Token(Kind.IDENT, s.substring(i, j), i, j));
                }
                i = j;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.'
                        || ((s.charAt(j) == '+' || s.charAt(j) == '-') && "eEpP".indexOf(s.charAt(j - 1)) >= 0
                            && !s.substring(i, j).matches("0[xX].*[eE]")))) {
                    j++;
                }
                if (conditional == 0) {
                    out.add(new Token(Kind.NUMBER, s.substring(i, j), i, j));
                }
                i = j;
                continue;
            }
            String p = String.valueOf(c);
            for (String q : PUNCT) {
                if (s.startsWith(q, i)) {
                    p = q;
                    break;
                }
            }
            if (conditional == 0) {
                out.add(new Token(Kind.PUNCT, p, i, i + p.length()));
            }
            i += p.length();
        }
        return out;
    }

    // ---- mutants of one function ----

    private enum Block { IF, LOOP, SWITCH, OTHER }

    static List<Mutant> mutants(Function f, String target) {
        String text = f.text();
        List<Token> t = tokens(text);
        int n = t.size();
        int[] match = new int[n];
        java.util.Arrays.fill(match, -1);
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            String x = t.get(i).text();
            if (x.equals("(") || x.equals("[") || x.equals("{")) {
                open.push(i);
            } else if ((x.equals(")") || x.equals("]") || x.equals("}")) && !open.isEmpty()) {
                int o = open.pop();
                match[o] = i;
                match[i] = o;
            }
        }
        // the body: from the first "{" outside any parenthesis
        int body = -1;
        int depth = 0;
        for (int i = 0; i < n && body < 0; i++) {
            String x = t.get(i).text();
            depth += x.equals("(") ? 1 : x.equals(")") ? -1 : 0;
            if (depth == 0 && x.equals("{")) {
                body = i;
            }
        }
        if (body < 0) {
            return List.of();
        }
        // what each "{" opens, and which tokens are compile-time operands
        Block[] kind = new Block[n];
        boolean[] compileTime = new boolean[n];
        for (int i = body; i < n; i++) {
            Token k = t.get(i);
            if (k.is("{")) {
                kind[i] = i == body ? Block.OTHER : blockKind(t, match, i);
            }
            if (k.kind() == Kind.IDENT && COMPILE_TIME.contains(k.text()) && i + 1 < n && t.get(i + 1).is("(") && match[i + 1] > 0) {
                for (int j = i + 1; j <= match[i + 1]; j++) {
                    compileTime[j] = true;
                }
            }
        }
        // the innermost enclosing "{" of each token
        int[] encl = new int[n];
        Deque<Integer> braces = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            encl[i] = braces.isEmpty() ? -1 : braces.peek();
            if (t.get(i).is("{")) {
                braces.push(i);
            } else if (t.get(i).is("}") && !braces.isEmpty()) {
                braces.pop();
            }
        }
        List<Mutant> out = new ArrayList<>();
        for (int i = body + 1; i < n; i++) {
            Token k = t.get(i);
            if (compileTime[i]) {
                continue;
            }
            String x = k.text();
            if (k.kind() == Kind.PUNCT && SWAP.containsKey(x)) {
                String to = SWAP.get(x);
                out.add(mutant(f, target, k.start(), k.end(), to, x + "to" + to, k.start(), k.end()));
            } else if (k.kind() == Kind.NUMBER) {
                Matcher m = INTEGER.matcher(x);
                if (!m.matches() || arraySize(t, match, i)) {
                    continue;
                }
                String digits = m.group(1);
                String suffix = m.group(2);
                boolean hex = digits.length() > 1 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X');
                BigInteger v = hex ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
                for (int d : new int[] {1, -1}) {
                    BigInteger w = v.add(BigInteger.valueOf(d));
                    String lit;
                    if (w.signum() < 0) {
                        lit = "(-" + (hex ? digits.substring(0, 2) : "") + w.negate().toString(hex ? 16 : 10) + suffix + ")";
                    } else if (hex) {
                        String h = w.toString(16);
                        boolean upper = digits.substring(2).chars().anyMatch(ch -> ch >= 'A' && ch <= 'F');
                        lit = digits.substring(0, 2) + (upper ? h.toUpperCase(Locale.ROOT) : h) + suffix;
                    } else {
                        lit = w + suffix;
                    }
                    out.add(mutant(f, target, k.start(), k.end(), lit, x + "to" + lit.replaceAll("[()]", ""), k.start(), k.end()));
                }
            } else if (k.is("return") && i + 3 < n && t.get(i + 1).is("-") && t.get(i + 2).kind() == Kind.IDENT
                    && ERRNO.matcher(t.get(i + 2).text()).matches() && t.get(i + 3).is(";")) {
                if (inIf(t, match, kind, encl, i)) {
                    Token semi = t.get(i + 3);
                    out.add(mutant(f, target, k.start(), semi.end(), ";", "no(return-" + t.get(i + 2).text() + ")",
                            k.start(), semi.end()));
                }
            } else if (x.equals("++") || x.equals("--") || x.equals("+=") || x.equals("-=")) {
                int[] st = statement(t, match, kind, i);
                if (st == null || !inLoop(t, match, kind, encl, st[0])) {
                    continue;
                }
                int s = st[0];
                int e = st[1];
                boolean shape = x.equals("+=") || x.equals("-=") ? i > s : i == s || i == e - 1;
                if (!shape) {
                    continue;
                }
                String what = x.equals("+=") || x.equals("-=")
                        ? compact(text, t.get(s).start(), t.get(i - 1).end()) + x
                        : compact(text, t.get(s).start(), t.get(e - 1).end());
                out.add(mutant(f, target, t.get(s).start(), t.get(e).end(), ";", "no(" + what + ")", k.start(), k.end()));
            }
        }
        return out;
    }

    private static String compact(String s, int from, int to) {
        return s.substring(from, to).replaceAll("\\s+", "");
    }

    /** What the "{" at {@code i} opens. */
    private static Block blockKind(List<Token> t, int[] match, int i) {
        Token p = t.get(i - 1);
        if (p.is("else")) {
            return Block.IF;
        }
        if (p.is("do")) {
            return Block.LOOP;
        }
        if (p.is(")") && match[i - 1] > 0) {
            Block h = header(t, match[i - 1]);
            return h == null ? Block.OTHER : h;
        }
        return Block.OTHER;
    }

    /** The control statement whose header's "(" is at {@code open}, or null. */
    private static Block header(List<Token> t, int open) {
        if (open < 1) {
            return null;
        }
        Token k = t.get(open - 1);
        if (k.is("if")) {
            return Block.IF;
        }
        if (k.is("for") || k.is("while") || (k.kind() == Kind.IDENT && k.text().contains("for_each"))) {
            // "} while (...);" ends a do loop: no body follows it
            return Block.LOOP;
        }
        if (k.is("switch")) {
            return Block.SWITCH;
        }
        return null;
    }

    /** A literal in the brackets of a declaration's array ("u8 buf[8]", "char *p[2]"). */
    private static boolean arraySize(List<Token> t, int[] match, int i) {
        if (i < 3 || !t.get(i - 1).is("[") || !t.get(i + 1).is("]")) {
            return false;
        }
        Token name = t.get(i - 2);
        Token before = t.get(i - 3);
        return name.kind() == Kind.IDENT && ((before.kind() == Kind.IDENT && !KEYWORDS.contains(before.text())) || before.is("*"));
    }

    /** Is the statement starting at token {@code s} the body of an if or else, or inside one's braces? */
    private static boolean inIf(List<Token> t, int[] match, Block[] kind, int[] encl, int s) {
        Token p = t.get(s - 1);
        if (p.is("else")) {
            return true;
        }
        if (p.is(")") && match[s - 1] > 0) {
            return header(t, match[s - 1]) == Block.IF;
        }
        int b = encl[s];
        return b >= 0 && (p.is("{") || p.is(";") || p.is("}")) && kind[b] == Block.IF;
    }

    /** Is the statement starting at token {@code s} inside a loop body (braced or not, at any depth)? */
    private static boolean inLoop(List<Token> t, int[] match, Block[] kind, int[] encl, int s) {
        int at = s;
        while (at > 0) {
            Token p = t.get(at - 1);
            if (p.is(")") && match[at - 1] > 0) {
                Block h = header(t, match[at - 1]);
                if (h == Block.LOOP) {
                    return true;
                }
                if (h == Block.IF || h == Block.SWITCH) { // the unbraced body of an if: the if statement's own place
                    at = match[at - 1] - 1;
                    continue;
                }
            }
            if (p.is("do")) {
                return true;
            }
            break;
        }
        for (int b = encl[at]; b >= 0; b = encl[b]) {
            if (kind[b] == Block.LOOP) {
                return true;
            }
        }
        return false;
    }

    /**
     * The expression statement around the operator at {@code i}: {first token, the ";"}, or null when the
     * operator is inside parentheses or brackets (a condition, a for header, an argument) or a comma expression.
     */
    private static int[] statement(List<Token> t, int[] match, Block[] kind, int i) {
        int s = i;
        while (s > 0) {
            Token p = t.get(s - 1);
            if (p.is(";") || p.is("{") || p.is("}") || p.is("else") || p.is("do") || p.is(":")) {
                break;
            }
            if ((p.is(")") || p.is("]")) && match[s - 1] > 0) {
                if (p.is(")") && header(t, match[s - 1]) != null) {
                    break; // a control statement's header ends before this statement
                }
                s = match[s - 1];
                continue;
            }
            if (p.is("(") || p.is("[") || p.is(",") || p.is("?")) {
                return null;
            }
            s--;
        }
        int e = i + 1;
        while (e < t.size()) {
            Token q = t.get(e);
            if (q.is(";")) {
                break;
            }
            if ((q.is("(") || q.is("[")) && match[e] > 0) {
                e = match[e] + 1;
                continue;
            }
            if (q.is(")") || q.is("]") || q.is(",") || q.is("{") || q.is("}")) {
                return null;
            }
            e++;
        }
        return e < t.size() ? new int[] {s, e} : null;
    }

    /**
     * The mutant that replaces {@code [from, to)} of the function with {@code with}: its find is the lines that
     * span, widened by neighbouring lines (before, then after, in turn) until it occurs once in the function.
     */
    private static Mutant mutant(Function f, String target, int from, int to, String with, String operator, int at, int atEnd) {
        String s = f.text();
        int a = s.lastIndexOf('\n', from - 1) + 1;
        int b = s.indexOf('\n', to);
        b = b < 0 ? s.length() : b + 1;
        boolean before = true;
        while (occurrences(s, s.substring(a, b)) != 1) {
            int na = a > 0 ? s.lastIndexOf('\n', a - 2) + 1 : a;
            int nb = b < s.length() ? s.indexOf('\n', b) : -1;
            nb = b >= s.length() ? b : nb < 0 ? s.length() : nb + 1;
            if (na == a && nb == b) {
                break; // the whole function: unique by definition
            }
            if ((before && na != a) || nb == b) {
                a = na;
            } else {
                b = nb;
            }
            before = !before;
        }
        String find = s.substring(a, b);
        String replace = s.substring(a, from) + with + s.substring(to, b);
        int ls = s.lastIndexOf('\n', at - 1) + 1;
        int le = s.indexOf('\n', at);
        String source = s.substring(ls, le < 0 ? s.length() : le).strip();
        int line = f.line(at);
        return new Mutant(f.name() + ":" + line + ":" + operator, target, f.file(), f.name(), line, operator, source, find, replace);
    }

    /** Non-overlapping occurrences of {@code what} in {@code s}, as Perl's m//g counts them. */
    static int occurrences(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            c++;
        }
        return c;
    }
}
