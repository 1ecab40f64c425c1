package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;
import static org.vhostcheck.fuzz.Values.TWO_64;
import static org.vhostcheck.fuzz.Values.PAGE;
import static org.vhostcheck.fuzz.Values.u;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.math.BigInteger;
import org.vhostcheck.ref.U64;
import org.vhostcheck.ref.U64Reg;

/**
 * {@link U64} against exact arithmetic (spec/U64.tla's operators on naturals), and {@link U64Reg}
 * step sequences against spec/U64Reg.tla: steps never pass MaxSteps, a disabled action changes
 * nothing, every enabled one does what the spec says.
 */
public final class U64Target {
    static final int MAX_OPS = 64;

    private U64Target() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        long a = Values.u64(d);
        long b = Values.u64(d);
        BigInteger ua = u(a);
        BigInteger ub = u(b);
        check(u(U64.add(a, b)).equals(ua.add(ub).mod(TWO_64)), "Add");
        check(U64.addOverflows(a, b) == ua.add(ub).compareTo(TWO_64) >= 0, "AddOverflows");
        check(u(U64.sub(a, b)).equals(ua.subtract(ub).mod(TWO_64)), "Sub");
        check(U64.lt(a, b) == ua.compareTo(ub) < 0, "Lt");
        check(U64.le(a, b) == ua.compareTo(ub) <= 0, "Le");
        check(u(U64.pageOf(a)).equals(ua.divide(PAGE)), "PageOf");
        check(u(U64.pageOffset(a)).equals(ua.mod(PAGE)), "PageOffset");
        check(u(U64.truncU32(a)).equals(ua.mod(BigInteger.ONE.shiftLeft(32))), "TruncU32");
        int x = d.consumeInt(0, 0xffff);
        int y = d.consumeInt(0, 0xffff);
        check(U64.u16Add(x, y) == (x + y) % 0x10000, "U16Add");
        check(U64.u16Sub(x, y) == Math.floorMod(x - y, 0x10000), "U16Sub");

        int maxSteps = d.consumeInt(0, 16);
        U64Reg m = new U64Reg(maxSteps);
        BigInteger reg = BigInteger.ZERO;
        boolean carry = false;
        int steps = 0;
        for (int op = 0; op < MAX_OPS && d.remainingBytes() > 0; op++) {
            long v = Values.u64(d);
            BigInteger uv = u(v);
            int action = d.consumeInt(0, 6);
            boolean enabled = switch (action) {
                case 0 -> m.Load(v);
                case 1 -> m.AddReg(v);
                case 2 -> m.SubReg(v);
                case 3 -> m.LtReg(v);
                case 4 -> m.PageOfReg();
                case 5 -> m.PageOffsetReg();
                default -> m.TruncU32Reg();
            };
            check(enabled == (steps < maxSteps), "an action is enabled exactly while steps < MaxSteps");
            if (enabled) {
                steps++;
                switch (action) {
                    case 0 -> { reg = uv; carry = false; }
                    case 1 -> { carry = reg.add(uv).compareTo(TWO_64) >= 0; reg = reg.add(uv).mod(TWO_64); }
                    case 2 -> { carry = reg.compareTo(uv) < 0; reg = reg.subtract(uv).mod(TWO_64); }
                    case 3 -> carry = reg.compareTo(uv) < 0;
                    case 4 -> { reg = reg.divide(PAGE); carry = false; }
                    case 5 -> { reg = reg.mod(PAGE); carry = false; }
                    default -> { reg = reg.mod(BigInteger.ONE.shiftLeft(32)); carry = false; }
                }
            }
            check(u(m.reg).equals(reg) && m.carry == carry && m.steps == steps, "U64Reg state is the spec's after " + action);
            check(0 <= m.steps && m.steps <= m.maxSteps, "0 <= steps <= MaxSteps");
        }
    }
}
