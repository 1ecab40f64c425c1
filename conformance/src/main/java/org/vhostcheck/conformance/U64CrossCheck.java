package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vhostcheck.model.TlaValues;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.VhostcheckException;

/**
 * Every operator of spec/U64.tla, evaluated by TLC on every pair of boundary values
 * (spec/U64Table.tla), compared with Java's unsigned long arithmetic (the JDK: the reference)
 * and with the proven Java class (org.vhostcheck.ref.U64, or a twin given instead).
 */
public final class U64CrossCheck {
    /** U64.tla definitions that are building blocks or data, not operators to compare. */
    static final Set<String> NOT_OPERATORS = Set.of("Base", "Limb", "U64", "Mk", "AddC", "PageShift",
            "U16", "Boundary", "U16Boundary", "HexDigit", "Nibbles", "HexFrom", "Zero", "One", "Max");

    /** U64.tla's Boundary, which the Hex rows must render exactly so. */
    static final long[] BOUNDARY = {0L, 1L, 2L, 0xfffL, 0x1000L, 0x1001L, 0xffffL, 0x10000L,
        0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 0x123456789abcdef0L,
        0x7ffffffffffff000L, 0x7fffffffffffffffL, 0x8000000000000000L, 0x8000000000000fffL,
        0xfedcba9876543210L, 0xffffffffffffefffL, 0xfffffffffffff000L, 0xfffffffffffffffeL, -1L};

    private static final Pattern DEF = Pattern.compile("(?m)^([A-Z][A-Za-z0-9_]*)\\s*(\\([^)]*\\))?\\s*==");

    /** Rows compared, distinct operand pairs, mismatches (the first few kept), operators seen. */
    public record Result(long rows, long pairs, long mismatches, List<String> firstMismatches,
                         Set<String> operators, double seconds) {
    }

    private final List<String> mismatches = new ArrayList<>();
    private long mismatchCount;
    private final JavaU64 java;

    private U64CrossCheck(JavaU64 java) {
        this.java = java;
    }

    public static Result run(Path home, Path specDir, JavaU64 java, Consumer<String> progress) {
        long t0 = System.nanoTime();
        Path out = home.resolve("target/conformance");
        Path user;
        try {
            Files.createDirectories(out);
            user = Files.createTempFile(out, "u64table-", ".txt");
        } catch (IOException e) {
            throw new VhostcheckException(out + ": cannot create: " + e.getMessage());
        }
        Path module = specDir.resolve("U64Table.tla");
        Path cfg = specDir.resolve("U64Table.cfg");
        TlcRunner tlc = new TlcRunner(home, 1, progress);
        if (progress != null) {
            progress.accept("U64 cross-check: TLC evaluates every operator on every boundary pair ...");
        }
        TlcRunner.Run r = tlc.run(module, cfg, List.of(), user, "U64Table");
        try {
            if (r.exitCode() != 0) {
                throw new VhostcheckException("U64 cross-check: " + tlc.interpret(r, module, cfg).error());
            }
            U64CrossCheck c = new U64CrossCheck(java);
            Set<String> ops = new TreeSet<>();
            Set<String> pairs = new HashSet<>();
            Set<String> rendered = new HashSet<>();
            long rows = 0;
            try (BufferedReader in = Files.newBufferedReader(user)) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode row = TlaValues.parse(line);
                    String op = row.get(0).asText();
                    ops.add(op);
                    rows++;
                    if (row.size() == 4 && row.get(1).isTextual() && row.get(2).isTextual() && !op.equals("Constants")) {
                        pairs.add(row.get(1).asText() + "," + row.get(2).asText());
                    } else if (op.startsWith("U16")) {
                        pairs.add("u16:" + row.get(1) + "," + row.get(2));
                    }
                    if (op.equals("Hex")) {
                        rendered.add(row.get(1).asText());
                    }
                    c.compare(op, row);
                }
            } catch (IOException e) {
                throw new VhostcheckException(user + ": cannot read TLC output: " + e.getMessage());
            }
            Set<String> expectedRendered = new HashSet<>();
            for (long b : BOUNDARY) {
                expectedRendered.add(Hex.of(b));
            }
            if (!expectedRendered.equals(rendered)) {
                c.mismatch("Hex: TLC renders the boundary set as " + new TreeSet<>(rendered)
                        + ", Java expects " + new TreeSet<>(expectedRendered));
            }
            for (String def : definitions(module.resolveSibling("U64.tla"))) {
                if (!NOT_OPERATORS.contains(def) && !ops.contains(def)) {
                    c.mismatch("operator " + def + " of U64.tla is not cross-checked");
                }
            }
            return new Result(rows, pairs.size(), c.mismatchCount, List.copyOf(c.mismatches), ops,
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            try {
                Files.deleteIfExists(user);
            } catch (IOException ignored) {
                // temp file under target/
            }
        }
    }

    static Set<String> definitions(Path u64) {
        try {
            Set<String> out = new LinkedHashSet<>();
            Matcher m = DEF.matcher(Files.readString(u64));
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        } catch (IOException e) {
            throw new VhostcheckException(u64 + ": not readable: " + e.getMessage());
        }
    }

    private void compare(String op, JsonNode row) {
        long a = row.get(1).isTextual() ? parse(row.get(1)) : row.get(1).asLong();
        JsonNode res = row.get(row.size() - 1);
        long b = row.size() == 4 && row.get(2).isTextual() ? parse(row.get(2)) : row.size() == 4 ? row.get(2).asLong() : 0;
        switch (op) {
            case "Hex" -> check(op, row, Hex.of(a), res.asText());
            case "Enc" -> check(op, row, Hex.of(a), TlaValues.decodeU64(res.deepCopy()).asText());
            case "Not" -> check(op, row, Hex.of(~a), res.asText());
            case "PageOf" -> {
                check(op, row, Hex.of(a >>> 12), res.asText());
                check(op + " (proven Java)", row, Hex.of(java.pageOf(a)), res.asText());
            }
            case "PageOffset" -> {
                check(op, row, Hex.of(a & 0xfff), res.asText());
                check(op + " (proven Java)", row, Hex.of(java.pageOffset(a)), res.asText());
            }
            case "TruncU32" -> {
                check(op, row, Hex.of(a & 0xffffffffL), res.asText());
                check(op + " (proven Java)", row, Hex.of(java.truncU32(a)), res.asText());
            }
            case "IsU32" -> check(op, row, (a >>> 32) == 0, res.asBoolean());
            case "IsNat" -> check(op, row, Long.compareUnsigned(a, 1L << 31) < 0, res.asBoolean());
            case "ToNat" -> check(op, row, a, res.asLong());
            case "FromNat" -> check(op, row, Hex.of(a), res.asText());
            case "Shr" -> check(op, row, Hex.of(a >>> b), res.asText());
            case "Shl" -> check(op, row, Hex.of(a << b), res.asText());
            case "Add" -> {
                check(op, row, Hex.of(a + b), res.asText());
                check(op + " (proven Java)", row, Hex.of(java.add(a, b)), res.asText());
            }
            case "AddOverflows" -> {
                check(op, row, Long.compareUnsigned(a + b, a) < 0, res.asBoolean());
                check(op + " (proven Java)", row, java.addOverflows(a, b), res.asBoolean());
            }
            case "Sub" -> {
                check(op, row, Hex.of(a - b), res.asText());
                check(op + " (proven Java)", row, Hex.of(java.sub(a, b)), res.asText());
            }
            case "Lt" -> {
                check(op, row, Long.compareUnsigned(a, b) < 0, res.asBoolean());
                check(op + " (proven Java)", row, java.lt(a, b), res.asBoolean());
            }
            case "Le" -> {
                check(op, row, Long.compareUnsigned(a, b) <= 0, res.asBoolean());
                check(op + " (proven Java)", row, java.le(a, b), res.asBoolean());
            }
            case "Gt" -> check(op, row, Long.compareUnsigned(a, b) > 0, res.asBoolean());
            case "Ge" -> check(op, row, Long.compareUnsigned(a, b) >= 0, res.asBoolean());
            case "U16Add" -> {
                check(op, row, (a + b) & 0xffff, res.asLong());
                check(op + " (proven Java)", row, (long) java.u16Add((int) a, (int) b), res.asLong());
            }
            case "U16Sub" -> {
                check(op, row, (a - b) & 0xffff, res.asLong());
                check(op + " (proven Java)", row, (long) java.u16Sub((int) a, (int) b), res.asLong());
            }
            case "Constants" -> check(op, row, "0x0 0x1 0xffffffffffffffff",
                    row.get(1).asText() + " " + row.get(2).asText() + " " + row.get(3).asText());
            default -> mismatch("unknown operator row from TLC: " + row);
        }
    }

    private static long parse(JsonNode hex) {
        return Hex.parse(hex, "U64Table row");
    }

    private void check(String op, JsonNode row, Object java, Object tlc) {
        if (!java.equals(tlc)) {
            mismatch(op + " " + row + ": TLC says " + tlc + ", Java " + java);
        }
    }

    private void mismatch(String what) {
        mismatchCount++;
        if (mismatches.size() < 20) {
            mismatches.add(what);
        }
    }
}
